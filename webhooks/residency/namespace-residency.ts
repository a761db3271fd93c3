// The residency policies that apply to a namespace, compiled once per set of policy versions rather
// than on every review: the compiled policy list and catalog additions, and the memos that let a
// review skip re-parsing values and endpoints it has already judged (the same pod template arrives
// as a Deployment, a ReplicaSet and each of its Pods). Namespaces the view exempts have none.
import { compileResidency, type EffectiveResidency } from '../../apis/compile/residency.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { type DestinationMemo, destinationMemo } from '../../apis/pod-destinations.js';
import type { ResidencyDecision } from '../../apis/residency-decision.js';
import { residencyPoliciesFor } from '../../residency/residency-scope.js';
import type { TargetPlacement } from '../../residency/target-placement.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';

export interface NamespaceResidency {
  /** The policies that apply, sorted by name. */
  policies: readonly DataResidencyPolicy[];
  residency: EffectiveResidency;
  /** What each value names, under these policies' catalog additions. */
  memo: DestinationMemo;
  /** Verdicts by endpoint (an LLM setting's and any other's apart: they are judged differently). */
  decisions: { llm: Map<string, ResidencyDecision>; other: Map<string, ResidencyDecision> };
  /** FallbackRoute targets placed and judged, by declared region and endpoint. */
  targets: Map<string, TargetPlacement>;
}

/** Exemption comes from the view's exemptNamespaces, not from an operator namespace: no namespace is named ''. */
const EXEMPTION_FROM_VIEW = { operatorNamespace: '' };

/**
 * The policies (default: all of the view's) whose namespaceSelector selects `namespace`, sorted by
 * name; none for a namespace the view exempts (the operator's own, kube-system).
 */
export function policiesSelecting(
  view: AdmissionClusterView,
  namespace: string,
  labels: Readonly<Record<string, string>> | undefined = view.namespace(namespace)?.labels,
  policies: readonly DataResidencyPolicy[] = view.residencyPolicies(),
): DataResidencyPolicy[] {
  if (view.exemptNamespaces.has(namespace)) return [];
  return residencyPoliciesFor(namespace, labels, policies, EXEMPTION_FROM_VIEW);
}

const MAX_DECISIONS = 20_000;
/** Longer endpoints are judged every time rather than kept (the memo stays small). */
const MAX_REMEMBERED_ENDPOINT = 1024;

/**
 * A function from (view, namespace) to the residency that applies there, or undefined when no
 * policy selects the namespace (or it is exempt). Compilations are kept by the names and resource
 * versions of the policies (at most `maxCompilations`, the oldest dropped), so an edited policy is
 * compiled afresh and a namespace never sees a stale one.
 */
export function namespaceResidencies(
  maxCompilations = 64,
): (view: AdmissionClusterView, namespace: string) => NamespaceResidency | undefined {
  const compiled = new Map<string, NamespaceResidency>();
  return (view, namespace) => {
    const applying = policiesSelecting(view, namespace);
    if (applying.length === 0) return undefined;
    const key = applying.map(versionKey).join('\n');
    const known = compiled.get(key);
    if (known) return known;
    const residency = compileResidency(
      applying.map((p) => ({ name: p.metadata?.name ?? '', spec: p.spec })),
    ) as EffectiveResidency;
    const fresh: NamespaceResidency = {
      policies: applying,
      residency,
      memo: destinationMemo(residency.endpoints ?? []),
      decisions: { llm: new Map(), other: new Map() },
      targets: new Map(),
    };
    if (compiled.size >= maxCompilations) compiled.delete(compiled.keys().next().value as string);
    compiled.set(key, fresh);
    return fresh;
  };
}

/** A decision (or a target's placement) from the memo, computed and kept when missing. */
export function rememberedDecision<T>(decisions: Map<string, T>, endpoint: string, decide: () => T): T {
  if (endpoint.length > MAX_REMEMBERED_ENDPOINT) return decide();
  let decision = decisions.get(endpoint);
  if (decision === undefined) {
    decision = decide();
    if (decisions.size >= MAX_DECISIONS) decisions.delete(decisions.keys().next().value as string);
    decisions.set(endpoint, decision);
  }
  return decision;
}

/** A policy's identity at one version; without a resourceVersion (tests), its spec stands in. */
function versionKey(policy: DataResidencyPolicy): string {
  const version = policy.metadata?.resourceVersion ?? JSON.stringify(policy.spec);
  return `${policy.metadata?.name ?? ''}@${policy.metadata?.uid ?? ''}@${version}`;
}
