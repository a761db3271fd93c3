// Which updates of a route, budget or SLO can change an agent's compiled policy (agent-policy.ts
// and agent-budget.ts read these fields and no others). The controllers write status often — a
// budget's and an SLO's at every usage report, a route's at every reconcile — and recompiling every
// selected agent for a status the compiler does not read is wasted work. Pure.

import { podTemplateLabels } from '../../agents/agent-workload.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';

interface Versioned {
  metadata?: { generation?: number; deletionTimestamp?: string };
}

/** The spec changed (generation moved) or deletion began. */
function specOrDeletion(old: Versioned, current: Versioned): boolean {
  return (
    old.metadata?.generation !== current.metadata?.generation ||
    old.metadata?.deletionTimestamp !== current.metadata?.deletionTimestamp
  );
}

/** A route is compiled from its spec only (its status is the FallbackRoute controller's report). */
export function routeChangedForPolicy(old: Versioned, current: Versioned): boolean {
  return specOrDeletion(old, current);
}

interface BudgetLike extends Versioned {
  status?: {
    phase?: string;
    used?: { tokens?: number; cost?: string };
    activeActions?: readonly string[];
    periodEnd?: string;
  };
}

/** A budget is compiled from its spec and its status' phase, usage, actions and period end. */
export function budgetChangedForPolicy(old: BudgetLike, current: BudgetLike): boolean {
  const a = old.status;
  const b = current.status;
  return (
    specOrDeletion(old, current) ||
    a?.phase !== b?.phase ||
    a?.used?.tokens !== b?.used?.tokens ||
    a?.used?.cost !== b?.used?.cost ||
    a?.periodEnd !== b?.periodEnd ||
    (a?.activeActions ?? []).join() !== (b?.activeActions ?? []).join()
  );
}

/** An SLO is compiled from its spec, whether it burns fast and whether its switch to fallback holds. */
export function sloChangedForPolicy(
  old: Versioned & { status?: { fastBurn?: boolean; switchedToFallback?: unknown } },
  current: Versioned & { status?: { fastBurn?: boolean; switchedToFallback?: unknown } },
): boolean {
  return (
    specOrDeletion(old, current) ||
    old.status?.fastBurn !== current.status?.fastBurn ||
    (old.status?.switchedToFallback === undefined) !== (current.status?.switchedToFallback === undefined)
  );
}

/** Which routes select a workload depends on its pod-template labels only (not replicas, not suspend). */
export function workloadLabelsChanged(old: KubeObject, current: KubeObject): boolean {
  const a = podTemplateLabels(old);
  const b = podTemplateLabels(current);
  const keys = Object.keys(a);
  return keys.length !== Object.keys(b).length || keys.some((k) => a[k] !== b[k]);
}
