// The two webhook configurations, as the operator registers them out of cluster (`--webhook-registration
// self`) and as the chart renders them in cluster: what the API server sends where, and what it does
// when the operator does not answer. Pure. Why these choices: docs/adr/0022-webhook-registration.md,
// and for the selectors that follow the policies docs/adr/0037-admission-scope-follows-the-policies.md.
//
// - residency (validating): every Pod (and pods/ephemeralcontainers) and every pod template, on
//   CREATE and UPDATE, in two entries on the same handler that differ only in what happens when the
//   operator does not answer. `residency` selects the namespaces the operator labelled
//   `governor.agents.dev/residency: enforce` (an Enforce DataResidencyPolicy applies) with the
//   configured failurePolicy (Fail by default: a workload nobody judged must not start there);
//   `residency-fail-open` selects every other namespace with Ignore — judged alike while the operator
//   answers (so a policy whose label has not landed yet still refuses), admitted while it does not.
// - governor-objects (validating): the four kinds; failurePolicy Ignore — with the operator down one
//   must still be able to fix a policy (raise a budget); the controllers report conflicts in status too.
// - sidecar-injection (mutating): Pods of agents (the agent label) that opted in — by their namespace
//   (`sidecar-injection`: namespace label `inject: "true"`, pod not labelled `inject: "false"`) or by
//   themselves (`sidecar-injection-pod`: pod label `inject: "true"`, in the other namespaces; the two
//   never both match) — on CREATE. Same failurePolicy as residency: with Fail an opted-in agent pod
//   never starts ungoverned; a pod that did not opt in is never sent, so never blocked.
//   reinvocationPolicy IfNeeded, so containers another mutating webhook adds after us still get the
//   SDK environment.
// - approvals (validating): AgentApprovals in every namespace; failurePolicy Fail always — with the
//   operator down nobody can approve, but no approval is ever let in unchecked (a forged sign-off is
//   worse than a late one). Locks out approvals only, never workloads.
// - approval-gate (validating): agent workloads (Deployments, StatefulSets, Jobs, CronJobs) only in
//   the namespaces an ApprovalPolicy governs (namespaceSelector on the label the ApprovalPolicy
//   controller keeps on them), with residency's failurePolicy: a namespace nobody asked to govern is
//   never locked when the operator is down (docs/adr/0033-approvals-checked-by-groups-at-admission.md).
// - rollout-hold (mutating): Deployments, UPDATE, every namespace; failurePolicy Ignore always — a
//   stopped operator never blocks a rollout (the EvaluationGate controller holds it when it is back).
//   It only pauses a Deployment whose new pod template an Enforce EvaluationGate has not passed
//   (docs/adr/0055-evaluation-gate-on-rollout.md); the handler reads the gates from a warm cache.
// All: the operator's namespace and kube-system exempt (a stopped operator never locks the cluster
// out of itself), v1 reviews, 5 s. sideEffects: the handlers never write; residency and the approval
// webhooks hand refusals to recorders (policy status, Events) except for a dry-run — NoneOnDryRun.
import { APPROVALS_GOVERNED_LABEL } from '../../apis/approval-policy.js';
import { AGENT_LABEL, GROUP, VERSION } from '../../apis/group-version.js';
import { RESIDENCY_ENFORCE, RESIDENCY_LABEL } from '../../residency/residency-namespace-label.js';
import { INJECT_LABEL } from '../injection/injection-labels.js';
import {
  APPROVAL_GATE_WEBHOOK,
  APPROVALS_WEBHOOK,
  GOVERNOR_OBJECTS_WEBHOOK,
  MUTATING_CONFIGURATION,
  RESIDENCY_FAIL_OPEN_WEBHOOK,
  RESIDENCY_WEBHOOK,
  ROLLOUT_HOLD_WEBHOOK,
  SIDECAR_INJECTION_POD_WEBHOOK,
  SIDECAR_INJECTION_WEBHOOK,
  VALIDATING_CONFIGURATION,
  type WebhookName,
} from './webhook-names.js';

export type FailurePolicy = 'Fail' | 'Ignore';

export interface WebhookConfigurationOptions {
  /** Out of cluster: `https://127.0.0.1:9443`, to which each webhook's path is appended. */
  baseUrl: string;
  /** PEM bundle of the CAs the API server must trust; omitted: the API server's system roots. */
  caBundle?: string;
  /** Of residency (enforced namespaces), the approval gate and sidecar injection; the others are fixed. */
  failurePolicy: FailurePolicy;
  /** Namespaces no webhook is called for (the operator's own, kube-system). */
  exemptNamespaces: readonly string[];
  timeoutSeconds?: number;
}

const MANAGED = {
  'app.kubernetes.io/managed-by': 'agent-governor',
  'app.kubernetes.io/component': 'webhook',
};
const CREATE_UPDATE = ['CREATE', 'UPDATE'];

const RESIDENCY_RULES = [
  rule('', 'v1', ['pods', 'pods/ephemeralcontainers'], CREATE_UPDATE, 'Namespaced'),
  rule(
    'apps',
    'v1',
    ['deployments', 'statefulsets', 'daemonsets', 'replicasets'],
    CREATE_UPDATE,
    'Namespaced',
  ),
  rule('batch', 'v1', ['jobs', 'cronjobs'], CREATE_UPDATE, 'Namespaced'),
];

export function validatingWebhookConfiguration(options: WebhookConfigurationOptions) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: VALIDATING_CONFIGURATION, labels: MANAGED },
    webhooks: [
      {
        ...common(RESIDENCY_WEBHOOK, options),
        sideEffects: 'NoneOnDryRun',
        failurePolicy: options.failurePolicy,
        namespaceSelector: {
          matchExpressions: [
            ...exemptExpressions(options),
            { key: RESIDENCY_LABEL, operator: 'In', values: [RESIDENCY_ENFORCE] },
          ],
        },
        rules: RESIDENCY_RULES,
      },
      {
        ...common(RESIDENCY_FAIL_OPEN_WEBHOOK, options),
        sideEffects: 'NoneOnDryRun',
        failurePolicy: 'Ignore' as FailurePolicy,
        namespaceSelector: {
          matchExpressions: [
            ...exemptExpressions(options),
            { key: RESIDENCY_LABEL, operator: 'NotIn', values: [RESIDENCY_ENFORCE] },
          ],
        },
        rules: RESIDENCY_RULES,
      },
      {
        ...common(GOVERNOR_OBJECTS_WEBHOOK, options),
        failurePolicy: 'Ignore' as FailurePolicy,
        rules: [
          rule(
            GROUP,
            VERSION,
            ['tokenbudgets', 'agentslos', 'dataresidencypolicies', 'fallbackroutes'],
            CREATE_UPDATE,
            '*',
          ),
        ],
      },
      {
        ...common(APPROVALS_WEBHOOK, options),
        sideEffects: 'NoneOnDryRun',
        failurePolicy: 'Fail' as FailurePolicy,
        rules: [rule(GROUP, VERSION, ['agentapprovals'], CREATE_UPDATE, 'Namespaced')],
      },
      {
        ...common(APPROVAL_GATE_WEBHOOK, options),
        sideEffects: 'NoneOnDryRun',
        failurePolicy: options.failurePolicy,
        namespaceSelector: {
          matchExpressions: [
            ...exemptExpressions(options),
            { key: APPROVALS_GOVERNED_LABEL, operator: 'Exists' },
          ],
        },
        rules: [
          rule('apps', 'v1', ['deployments', 'statefulsets'], CREATE_UPDATE, 'Namespaced'),
          rule('batch', 'v1', ['jobs', 'cronjobs'], CREATE_UPDATE, 'Namespaced'),
        ],
      },
    ],
  };
}

export function mutatingWebhookConfiguration(options: WebhookConfigurationOptions) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: MUTATING_CONFIGURATION, labels: MANAGED },
    webhooks: [
      {
        ...common(SIDECAR_INJECTION_WEBHOOK, options),
        failurePolicy: options.failurePolicy,
        reinvocationPolicy: 'IfNeeded',
        namespaceSelector: {
          matchExpressions: [
            ...exemptExpressions(options),
            { key: INJECT_LABEL, operator: 'In', values: ['true'] },
          ],
        },
        objectSelector: {
          matchExpressions: [
            { key: AGENT_LABEL, operator: 'Exists' },
            { key: INJECT_LABEL, operator: 'NotIn', values: ['false'] },
          ],
        },
        rules: [rule('', 'v1', ['pods'], ['CREATE'], 'Namespaced')],
      },
      {
        ...common(SIDECAR_INJECTION_POD_WEBHOOK, options),
        failurePolicy: options.failurePolicy,
        reinvocationPolicy: 'IfNeeded',
        namespaceSelector: {
          matchExpressions: [
            ...exemptExpressions(options),
            { key: INJECT_LABEL, operator: 'NotIn', values: ['true'] },
          ],
        },
        objectSelector: {
          matchExpressions: [
            { key: AGENT_LABEL, operator: 'Exists' },
            { key: INJECT_LABEL, operator: 'In', values: ['true'] },
          ],
        },
        rules: [rule('', 'v1', ['pods'], ['CREATE'], 'Namespaced')],
      },
      {
        ...common(ROLLOUT_HOLD_WEBHOOK, options),
        failurePolicy: 'Ignore' as FailurePolicy,
        reinvocationPolicy: 'Never',
        rules: [rule('apps', 'v1', ['deployments'], ['UPDATE'], 'Namespaced')],
      },
    ],
  };
}

function common(webhook: WebhookName, options: WebhookConfigurationOptions) {
  return {
    name: webhook.name,
    admissionReviewVersions: ['v1'],
    sideEffects: 'None',
    timeoutSeconds: options.timeoutSeconds ?? 5,
    matchPolicy: 'Equivalent',
    clientConfig: {
      url: `${options.baseUrl.replace(/\/+$/, '')}${webhook.path}`,
      ...(options.caBundle ? { caBundle: Buffer.from(options.caBundle).toString('base64') } : {}),
    },
    namespaceSelector: { matchExpressions: exemptExpressions(options) },
  };
}

function exemptExpressions(options: WebhookConfigurationOptions) {
  return [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: [...options.exemptNamespaces] }];
}

function rule(
  apiGroup: string,
  apiVersion: string,
  resources: string[],
  operations: string[],
  scope: string,
) {
  return { apiGroups: [apiGroup], apiVersions: [apiVersion], resources, operations, scope };
}
