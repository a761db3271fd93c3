// References from budgets and SLOs to FallbackRoutes of their namespace (pure). A reference to a
// route that does not exist is warned about, never denied: GitOps tools apply a directory in their
// own order (alphabetical, sync waves), so the budget may well arrive a moment before its route, and
// a denial would make the sync depend on that order. Until the route exists the sidecar falls back
// as the message says; the warning is printed by kubectl and Argo CD / Flux show it in their logs.
import type { AgentSLO } from '../../apis/agent-slo.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import { type ObjectFinding, objectName } from './object-findings.js';

export function tokenBudgetFindings(budget: TokenBudget, view: AdmissionClusterView): ObjectFinding[] {
  const ref = budget.spec.degrade?.fallbackRouteRef?.name;
  if (!ref) return [];
  const name = objectName('TokenBudget', budget.metadata);
  const field = 'spec.degrade.fallbackRouteRef.name';
  const route = findRoute(view, budget.metadata?.namespace, ref);
  if (!route) {
    const model = budget.spec.degrade?.model;
    const meanwhile = model
      ? `spec.degrade.model ${JSON.stringify(model)}`
      : 'the degradeTo of the route each request matches';
    return [
      {
        key: `missing\n${ref}`,
        severity: 'warn',
        message:
          `${name}: ${field} ${JSON.stringify(ref)} names no FallbackRoute in this namespace (yet); ` +
          `until it exists Degrade uses ${meanwhile}. Create it or fix the name`,
      },
    ];
  }
  if (budget.spec.degrade?.model === undefined && route.spec.degradeTo === undefined) {
    return [
      {
        key: `no-degrade-to\n${ref}`,
        severity: 'warn',
        message:
          `${name}: ${field} ${JSON.stringify(ref)} has no spec.degradeTo and spec.degrade.model is unset, ` +
          'so Degrade has no cheaper model to switch to. Set one of them',
      },
    ];
  }
  return [];
}

export function agentSLOFindings(slo: AgentSLO, view: AdmissionClusterView): ObjectFinding[] {
  const onFastBurn = slo.spec.onFastBurn;
  const ref = onFastBurn?.fallbackRouteRef?.name;
  if (!onFastBurn || !ref) return [];
  const name = objectName('AgentSLO', slo.metadata);
  const field = 'spec.onFastBurn.fallbackRouteRef.name';
  const route = findRoute(view, slo.metadata?.namespace, ref);
  if (!route) {
    return [
      {
        key: `missing\n${ref}`,
        severity: 'warn',
        message:
          `${name}: ${field} ${JSON.stringify(ref)} names no FallbackRoute in this namespace (yet); ` +
          'until it exists SwitchToFallback applies to every route of the agent. Create it or fix the name',
      },
    ];
  }
  if (onFastBurn.actions.includes('SwitchToFallback') && route.spec.targets.length < 2) {
    return [
      {
        key: `one-target\n${ref}`,
        severity: 'warn',
        message: `${name}: ${field} ${JSON.stringify(ref)} has a single target, so SwitchToFallback has no next target to switch to`,
      },
    ];
  }
  return [];
}

function findRoute(
  view: AdmissionClusterView,
  namespace: string | undefined,
  name: string,
): FallbackRoute | undefined {
  if (!namespace) return undefined;
  return view
    .fallbackRoutes(namespace)
    .find((r) => r.metadata?.name === name && !r.metadata?.deletionTimestamp);
}
