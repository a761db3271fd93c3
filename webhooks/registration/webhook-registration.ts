// Telling the API server about the webhooks, in the two modes (`--webhook-registration`):
// - `chart` (in cluster): the chart created the configurations; the operator only keeps our
//   caBundle in every webhook of them — at start, on every rotation, and whenever a watch shows it
//   missing (a `helm upgrade` renders them without it). Not at all when the bundle is not ours
//   (cert-manager's CA injector publishes it).
// - `self` (out of cluster): the operator applies both configurations whole (server-side apply),
//   pointing at its own URL, and again when the bundle changes. On exit they stay, unless the CLI
//   is asked to remove them (`--webhook-cleanup-on-exit`: removeWebhookConfigurations, called
//   before the shutdown, while the client may still act); docs/adr/0022-webhook-registration.md.
import type { Logger } from 'pino';
import type { InformerSet } from '../../runtime/informer/informer-set.js';
import { isNotFound } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { ResourceType } from '../../runtime/kube/resource-type.js';
import { caBundlePatch } from './ca-bundle-patch.js';
import {
  mutatingWebhookConfigurations,
  validatingWebhookConfigurations,
  type WebhookConfiguration,
} from './webhook-configuration-resources.js';
import {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
  type WebhookConfigurationOptions,
} from './webhook-configurations.js';
import { MUTATING_CONFIGURATION, VALIDATING_CONFIGURATION } from './webhook-names.js';

export interface WebhookRegistration {
  /** Registers (self) or starts watching (chart) with the bundle in force. */
  start(caBundle: string | undefined): Promise<void>;
  /** The bundle changed (rotation). */
  publish(caBundle: string | undefined): Promise<void>;
  stop(): Promise<void>;
}

const configurations = [
  { resource: validatingWebhookConfigurations, name: VALIDATING_CONFIGURATION },
  { resource: mutatingWebhookConfigurations, name: MUTATING_CONFIGURATION },
] as const;

/** `--webhook-registration chart`: patch our caBundle into the chart's configurations. */
export function chartRegistration(options: {
  client: KubeClient;
  informers: InformerSet;
  log: Logger;
}): WebhookRegistration {
  const { client, informers, log } = options;
  let bundle: string | undefined;
  const unsubscribes: Array<() => void> = [];
  const missingLogged = new Set<string>();

  const patch = async (
    resource: ResourceType<WebhookConfiguration>,
    name: string,
    current?: WebhookConfiguration,
  ) => {
    if (!bundle) return;
    const configuration = current ?? (await client.get(resource, { name }));
    if (!configuration) {
      if (!missingLogged.has(name)) {
        missingLogged.add(name);
        log.warn(
          { configuration: name },
          `${resource.kind} ${name} does not exist (yet): its caBundle is set once it does`,
        );
      }
      return;
    }
    const operations = caBundlePatch(configuration, bundle);
    if (operations.length === 0) return;
    try {
      await client.patch(resource, { name }, { type: 'json', body: operations });
      log.info(
        { configuration: name, webhooks: operations.length / 2 },
        `caBundle set in ${resource.kind} ${name}`,
      );
    } catch (err) {
      // Changed or deleted between the read and the patch: the watch brings the new state.
      if (isNotFound(err) || (err as { status?: number }).status === 422) return;
      throw err;
    }
  };
  const patchAll = () => Promise.all(configurations.map(({ resource, name }) => patch(resource, name)));
  const patchQuietly = (
    resource: ResourceType<WebhookConfiguration>,
    name: string,
    object: WebhookConfiguration,
  ) =>
    patch(resource, name, object).catch((err: unknown) =>
      log.error({ configuration: name, err: (err as Error).message }, 'could not set the caBundle'),
    );

  return {
    async start(caBundle) {
      bundle = caBundle;
      for (const { resource, name } of configurations) {
        const informer = informers.informer<WebhookConfiguration>({
          resource: resource as ResourceType<WebhookConfiguration>,
          fieldSelector: `metadata.name=${name}`,
        });
        const changed = (object: WebhookConfiguration) => void patchQuietly(resource, name, object);
        unsubscribes.push(informer.on({ add: changed, update: (_old, object) => changed(object) }));
      }
      await patchAll();
    },
    async publish(caBundle) {
      bundle = caBundle;
      await patchAll();
    },
    async stop() {
      for (const unsubscribe of unsubscribes) unsubscribe();
    },
  };
}

/** `--webhook-registration self`: apply both configurations, pointing at this process. */
export function selfRegistration(options: {
  client: KubeClient;
  configuration: Omit<WebhookConfigurationOptions, 'caBundle'>;
  log: Logger;
}): WebhookRegistration {
  const { client, log } = options;
  let applied: string | undefined;
  const apply = async (caBundle: string | undefined) => {
    const desired = { ...options.configuration, ...(caBundle ? { caBundle } : {}) };
    if (applied === JSON.stringify(desired)) return;
    await client.patch(
      validatingWebhookConfigurations,
      { name: VALIDATING_CONFIGURATION },
      {
        type: 'apply',
        body: validatingWebhookConfiguration(desired),
        force: true,
      },
    );
    await client.patch(
      mutatingWebhookConfigurations,
      { name: MUTATING_CONFIGURATION },
      {
        type: 'apply',
        body: mutatingWebhookConfiguration(desired),
        force: true,
      },
    );
    applied = JSON.stringify(desired);
    log.info(
      { url: options.configuration.baseUrl, failurePolicy: options.configuration.failurePolicy },
      `registered ${VALIDATING_CONFIGURATION} and ${MUTATING_CONFIGURATION} at ${options.configuration.baseUrl}`,
    );
  };
  return {
    start: apply,
    publish: apply,
    async stop() {},
  };
}

/** Deletes both configurations (`--webhook-cleanup-on-exit`, and suites cleaning up after themselves). */
export async function removeWebhookConfigurations(client: KubeClient, log?: Logger): Promise<void> {
  for (const { resource, name } of configurations) await client.delete(resource, { name });
  log?.info(`removed ${VALIDATING_CONFIGURATION} and ${MUTATING_CONFIGURATION}`);
}
