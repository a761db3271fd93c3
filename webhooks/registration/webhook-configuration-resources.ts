// The admissionregistration.k8s.io/v1 resources the operator registers (out of cluster) or patches
// the caBundle of (in cluster, where the chart owns them).
import type {
  V1MutatingWebhookConfiguration,
  V1ValidatingWebhookConfiguration,
} from '@kubernetes/client-node';
import { resourceType } from '../../runtime/kube/resource-type.js';
import type { Wire } from '../../runtime/kube/resources.js';

export type ValidatingWebhookConfiguration = Wire<V1ValidatingWebhookConfiguration>;
export type MutatingWebhookConfiguration = Wire<V1MutatingWebhookConfiguration>;
export type WebhookConfiguration = ValidatingWebhookConfiguration | MutatingWebhookConfiguration;

export const validatingWebhookConfigurations = resourceType<ValidatingWebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'validatingwebhookconfigurations',
  kind: 'ValidatingWebhookConfiguration',
  namespaced: false,
});

export const mutatingWebhookConfigurations = resourceType<MutatingWebhookConfiguration>({
  group: 'admissionregistration.k8s.io',
  version: 'v1',
  plural: 'mutatingwebhookconfigurations',
  kind: 'MutatingWebhookConfiguration',
  namespaced: false,
});
