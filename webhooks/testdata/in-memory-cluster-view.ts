// An AdmissionClusterView over plain objects, for table tests of the admission handlers (and for the
// e2e suites that want to compare a handler's answer with the real API server's). The four kinds are
// given as manifests and parsed with their schemas, so defaults apply as the API server would apply
// them (mode Enforce, unknownEndpoints Deny, …); a manifest the schema refuses throws, naming it.

import type { z } from 'zod';
import { type AgentApproval, agentApproval } from '../../apis/agent-approval.js';
import { type ApprovalPolicy, approvalPolicy } from '../../apis/approval-policy.js';
import { type DataResidencyPolicy, dataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { type EvaluationGate, evaluationGate } from '../../apis/evaluation-gate.js';
import { type FallbackRoute, fallbackRoute } from '../../apis/fallback-route.js';
import { type TokenBudget, tokenBudget } from '../../apis/token-budget.js';
import {
  ALIAS_SLICES_SELECTOR,
  type EndpointSliceObject,
  mayBeServiceAlias,
  type ServiceObject,
  serviceLookupOf,
} from '../../residency/cluster-service-aliases.js';
import type { AdmissionClusterView, NamespaceFacts } from '../admission/admission-cluster-view.js';

/** A ConfigMap as a manifest carries it (only what the view reads). */
export interface ConfigMapManifest {
  metadata: { name: string; namespace: string };
  data?: Record<string, string>;
}

export interface ClusterObjects {
  /** Namespace name → labels. */
  namespaces?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  configMaps?: readonly ConfigMapManifest[];
  residencyPolicies?: readonly unknown[];
  fallbackRoutes?: readonly unknown[];
  tokenBudgets?: readonly unknown[];
  /** Service manifests, with their namespace. */
  services?: readonly ServiceObject[];
  /** EndpointSlice manifests, with their namespace (those a selector makes are left out, as the informer does). */
  endpointSlices?: readonly EndpointSliceObject[];
  approvalPolicies?: readonly unknown[];
  agentApprovals?: readonly unknown[];
  evaluationGates?: readonly unknown[];
  /** Default: agent-governor-system and kube-system. */
  exemptNamespaces?: readonly string[];
}

export interface InMemoryClusterView extends AdmissionClusterView {
  /** `namespace/name` of every configMapData call, in order (to check what a handler read). */
  readonly configMapReads: string[];
}

export const DEFAULT_EXEMPT_NAMESPACES = ['agent-governor-system', 'kube-system'] as const;

export function inMemoryClusterView(objects: ClusterObjects = {}): InMemoryClusterView {
  const namespaces = Object.entries(objects.namespaces ?? {}).map(
    ([name, labels]): NamespaceFacts => ({ name, labels: { ...labels } }),
  );
  const policies = (objects.residencyPolicies ?? []).map(
    (m) => parsed(dataResidencyPolicy, m, 'DataResidencyPolicy') as DataResidencyPolicy,
  );
  const routes = (objects.fallbackRoutes ?? []).map(
    (m) => parsed(fallbackRoute, m, 'FallbackRoute') as FallbackRoute,
  );
  const budgets = (objects.tokenBudgets ?? []).map(
    (m) => parsed(tokenBudget, m, 'TokenBudget') as TokenBudget,
  );
  const approvalPolicyList = (objects.approvalPolicies ?? []).map(
    (m) => parsed(approvalPolicy, m, 'ApprovalPolicy') as ApprovalPolicy,
  );
  const approvals = (objects.agentApprovals ?? []).map(
    (m) => parsed(agentApproval, m, 'AgentApproval') as AgentApproval,
  );
  const gates = (objects.evaluationGates ?? []).map(
    (m) => parsed(evaluationGate, m, 'EvaluationGate') as EvaluationGate,
  );
  const configMaps = new Map(
    (objects.configMaps ?? []).map((c) => [`${c.metadata.namespace}/${c.metadata.name}`, c.data ?? {}]),
  );
  const configMapReads: string[] = [];
  const services = (objects.services ?? []).filter(mayBeServiceAlias);
  const slices = (objects.endpointSlices ?? []).filter((s) => !madeFromSelector(s));
  const serviceAlias = serviceLookupOf({
    service: (namespace, name) =>
      services.find((s) => s.metadata?.namespace === namespace && s.metadata?.name === name),
    slices: (namespace) => slices.filter((s) => s.metadata?.namespace === namespace),
  });
  return {
    configMapReads,
    exemptNamespaces: new Set(objects.exemptNamespaces ?? DEFAULT_EXEMPT_NAMESPACES),
    namespace: (name) => namespaces.find((n) => n.name === name),
    namespaces: () => namespaces,
    async configMapData(namespace, name) {
      configMapReads.push(`${namespace}/${name}`);
      const data = configMaps.get(`${namespace}/${name}`);
      return data === undefined ? undefined : { ...data };
    },
    async configMapContent(namespace, name) {
      configMapReads.push(`${namespace}/${name}`);
      const data = configMaps.get(`${namespace}/${name}`);
      return data === undefined ? undefined : { data: { ...data } };
    },
    approvalPolicies: () => approvalPolicyList,
    agentApprovals: (namespace) => approvals.filter((a) => a.metadata?.namespace === namespace),
    residencyPolicies: () => policies,
    fallbackRoutes: (namespace) => routes.filter((r) => r.metadata?.namespace === namespace),
    tokenBudgets: (namespace) => budgets.filter((b) => b.metadata?.namespace === namespace),
    evaluationGates: (namespace) => gates.filter((g) => g.metadata?.namespace === namespace),
    serviceAlias,
  };
}

/** What ALIAS_SLICES_SELECTOR leaves out: slices Kubernetes' EndpointSlice controller made from a selector. */
function madeFromSelector(slice: EndpointSliceObject): boolean {
  const [key, value] = ALIAS_SLICES_SELECTOR.split('!=') as [string, string];
  return slice.metadata?.labels?.[key] === value;
}

function parsed(schema: z.ZodType, manifest: unknown, kind: string): unknown {
  const result = schema.safeParse(manifest);
  if (result.success) return result.data;
  const name = (manifest as { metadata?: { name?: string } } | undefined)?.metadata?.name ?? '(unnamed)';
  const issues = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`test ${kind} ${name} is not valid: ${issues}`);
}
