// What the admission handlers may read of the cluster, and nothing more: the webhook server builds
// it from the operator's shared informers (warm caches), with ConfigMaps read on demand. Handlers
// stay pure functions of (request, view) and are table-tested with a view built from plain objects.
import type { AgentApproval } from '../../apis/agent-approval.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { EvaluationGate } from '../../apis/evaluation-gate.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { ServiceAlias } from '../../apis/service-aliases.js';
import type { TokenBudget } from '../../apis/token-budget.js';

export interface NamespaceFacts {
  name: string;
  labels: Record<string, string>;
}

export interface AdmissionClusterView {
  /** The namespace's labels; undefined when the cache does not know it (treat as no labels). */
  namespace(name: string): NamespaceFacts | undefined;
  /** Every namespace the cache knows (a DataResidencyPolicy's check looks at the routes of those it selects). */
  namespaces(): NamespaceFacts[];
  /** A ConfigMap's `data`; undefined when it does not exist. May call the API server. */
  configMapData(namespace: string, name: string): Promise<Record<string, string> | undefined>;
  /** A ConfigMap's `data` and `binaryData` (what an agent version hashes); undefined when it does not exist. */
  configMapContent(
    namespace: string,
    name: string,
  ): Promise<{ data?: Record<string, string>; binaryData?: Record<string, string> } | undefined>;
  /** Every ApprovalPolicy (cluster-scoped). */
  approvalPolicies(): ApprovalPolicy[];
  /** The AgentApprovals of a namespace. */
  agentApprovals(namespace: string): AgentApproval[];
  /** Every DataResidencyPolicy (cluster-scoped). */
  residencyPolicies(): DataResidencyPolicy[];
  fallbackRoutes(namespace: string): FallbackRoute[];
  tokenBudgets(namespace: string): TokenBudget[];
  /** The EvaluationGates of a namespace (the rollout-hold webhook). */
  evaluationGates(namespace: string): EvaluationGate[];
  /**
   * What Service `name` of `namespace` stands for outside the cluster (an ExternalName's host, the
   * addresses of a selector-less Service's EndpointSlices); undefined for any other Service, or none.
   * (Nothing here reads a Secret: the operator may not read the cluster's Secrets.)
   */
  serviceAlias(namespace: string, name: string): ServiceAlias | undefined;
  /** Namespaces never judged by residency (the operator's own, kube-system). */
  exemptNamespaces: ReadonlySet<string>;
}
