// The JSON Patch that puts our caBundle into every webhook of a configuration that lacks it (the
// chart renders the configurations without one; `helm upgrade` may reset it). Each change is
// guarded by a `test` of the webhook's name at that index, so a configuration that changed under us
// is refused (422) rather than patched in the wrong place — the next watch event tries again. Pure.
import type { JsonPatchOperation } from '../../runtime/kube/kube-client.js';
import type { WebhookConfiguration } from './webhook-configuration-resources.js';

export function caBundlePatch(
  configuration: WebhookConfiguration,
  caBundlePem: string,
): JsonPatchOperation[] {
  const encoded = Buffer.from(caBundlePem).toString('base64');
  const operations: JsonPatchOperation[] = [];
  (configuration.webhooks ?? []).forEach((webhook, index) => {
    if (webhook.clientConfig?.caBundle === encoded) return;
    operations.push(
      { op: 'test', path: `/webhooks/${index}/name`, value: webhook.name },
      { op: 'add', path: `/webhooks/${index}/clientConfig/caBundle`, value: encoded },
    );
  });
  return operations;
}
