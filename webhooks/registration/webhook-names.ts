// The names the webhooks are known by — fixed, because the Helm chart (charts/agent-governor) creates
// the same objects and the operator finds them by these names to patch their caBundle.
import { GROUP } from '../../apis/group-version.js';

export const VALIDATING_CONFIGURATION = 'agent-governor-validating';
export const MUTATING_CONFIGURATION = 'agent-governor-sidecar-injector';

/** One webhook: its name in the configuration and the path the server answers it on. */
export interface WebhookName {
  name: string;
  path: string;
}

/** Residency in the namespaces under an Enforce policy (the residency label `enforce`): fails closed. */
export const RESIDENCY_WEBHOOK: WebhookName = { name: `residency.${GROUP}`, path: '/validate/residency' };
/** Residency everywhere else (Warn / Audit policies, no label yet): never blocks when nobody answers. */
export const RESIDENCY_FAIL_OPEN_WEBHOOK: WebhookName = {
  name: `residency-fail-open.${GROUP}`,
  path: '/validate/residency',
};
export const GOVERNOR_OBJECTS_WEBHOOK: WebhookName = {
  name: `governor-objects.${GROUP}`,
  path: '/validate/governor-objects',
};
/** Agent pods of namespaces that opt in (namespace label `inject: "true"`). */
export const SIDECAR_INJECTION_WEBHOOK: WebhookName = {
  name: `sidecar-injection.${GROUP}`,
  path: '/mutate/sidecar-injection',
};
/** Agent pods that opt in themselves (pod label `inject: "true"`) in the other namespaces. */
export const SIDECAR_INJECTION_POD_WEBHOOK: WebhookName = {
  name: `sidecar-injection-pod.${GROUP}`,
  path: '/mutate/sidecar-injection',
};

/** In cluster: the Service in front of the webhook port of every replica. */
export const WEBHOOK_SERVICE = 'agent-governor-webhook';
export const WEBHOOK_SERVICE_PORT = 443;
/** The container port the server listens on (`--webhook-port`). */
export const WEBHOOK_CONTAINER_PORT = 9443;

/** The DNS names the API server uses for the Service, which the serving certificate must carry. */
export function webhookServiceNames(namespace: string, service = WEBHOOK_SERVICE): string[] {
  return [`${service}.${namespace}.svc`, `${service}.${namespace}.svc.cluster.local`];
}

/** Who may approve (AgentApprovals, every namespace) and whether a version is approved (agent workloads, governed namespaces). */
export const APPROVALS_WEBHOOK: WebhookName = { name: `approvals.${GROUP}`, path: '/validate/approvals' };
export const APPROVAL_GATE_WEBHOOK: WebhookName = {
  name: `approval-gate.${GROUP}`,
  path: '/validate/approvals',
};

/** Deployments whose new pod template an EvaluationGate in Enforce mode evaluates first: paused. */
export const ROLLOUT_HOLD_WEBHOOK: WebhookName = {
  name: `rollout-hold.${GROUP}`,
  path: '/mutate/rollout-hold',
};
