// The effective policy of one agent, compiled from the four kinds so its sidecars never read a
// custom resource (ARCHITECTURE.md, "Operator ↔ sidecar contract"): the FallbackRoutes,
// TokenBudgets and AgentSLOs of its namespace that select it, and
// the DataResidencyPolicies whose namespaceSelector matches its namespace, and the prices, exchange
// rates and output limits the cluster's ModelCatalogs declare in effect now (every agent gets them
// all: an agent may call any model its routes allow, and a model priced nowhere must never look
// free), and the PromptTemplates of its namespace. The version is left to the PolicyStore, which
// numbers each change. Pure: every input is passed in.

import type { Agent } from '../../agents/agent-discovery.js';
import { credentialsFile } from '../../agents/credentials-mount.js';
import { type RouteConflict, selectRoutes } from '../../agents/route-selection.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import { compilePromptTemplates } from '../../apis/compile/prompt-template.js';
import { compileReasoning } from '../../apis/compile/reasoning.js';
import { compileResidency } from '../../apis/compile/residency.js';
import { compileRoute } from '../../apis/compile/route.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { EffectivePolicy, EffectiveRoute } from '../../apis/effective-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { API_VERSION } from '../../apis/group-version.js';
import { matchesSelector } from '../../apis/label-selector-match.js';
import type { EffectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import { type PromptTemplate, promptTemplateSpec } from '../../apis/prompt-template.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { type ResidencyScope, residencyPoliciesFor } from '../../residency/residency-scope.js';
import { placeTarget } from '../../residency/target-placement.js';
import { agentBudget } from './agent-budget.js';
import { agentSLOPolicy } from './agent-slo-policy.js';

export interface AgentPolicyInputs {
  agent: Agent;
  namespaceLabels: Readonly<Record<string, string>> | undefined;
  /** FallbackRoutes, TokenBudgets and AgentSLOs of the agent's namespace. */
  routes: readonly FallbackRoute[];
  budgets: readonly TokenBudget[];
  slos: readonly AgentSLO[];
  /** PromptTemplates of the agent's namespace: every one is given to the agent's sidecars. */
  promptTemplates?: readonly PromptTemplate[];
  /** Every DataResidencyPolicy (cluster-scoped). */
  residencyPolicies: readonly DataResidencyPolicy[];
  scope: ResidencyScope;
  /** The ModelCatalogs merged as of `now`; none declared: the built-in defaults only. */
  catalog?: Pick<EffectiveCatalog, 'prices' | 'exchangeRates' | 'outputLimits'>;
  /** RetentionPolicy `responseCache`: no route cache keeps an answer longer (ms); undefined: the routes' TTLs. */
  maxCacheTtlMs?: number | undefined;
  now: Date;
}

export interface CompiledAgentPolicy {
  policy: EffectivePolicy;
  /** Routes claiming the same model for this agent (only the first is compiled in). */
  conflicts: RouteConflict[];
}

/** Whether a budget or SLO selects the agent: same namespace, selector matches one of its workloads. */
export function selectsAgent(
  object: { metadata?: { namespace?: string; deletionTimestamp?: string }; spec: { agentSelector: unknown } },
  agent: Agent,
): boolean {
  if (object.metadata?.namespace !== agent.namespace || object.metadata?.deletionTimestamp) return false;
  const selector = object.spec.agentSelector as Parameters<typeof matchesSelector>[0];
  return agent.workloads.some((w) => matchesSelector(selector, w.labels));
}

export function compileAgentPolicy(inputs: AgentPolicyInputs): CompiledAgentPolicy {
  const { agent, now } = inputs;
  const policies = residencyPoliciesFor(
    agent.namespace,
    inputs.namespaceLabels,
    inputs.residencyPolicies,
    inputs.scope,
  );
  const residency = compileResidency(policies.map((p) => ({ name: p.metadata?.name ?? '', spec: p.spec })));
  const { routes, conflicts } = selectRoutes(agent, inputs.routes);
  const budgets = inputs.budgets.filter((b) => selectsAgent(b, agent)).sort(byName);
  const slos = inputs.slos.filter((s) => selectsAgent(s, agent)).sort(byName);

  const policy: EffectivePolicy = {
    apiVersion: API_VERSION as 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent: { namespace: agent.namespace, name: agent.name, critical: agent.critical },
    version: '0',
    generatedAt: now.toISOString(),
    budgets: budgets.map((b) => agentBudget(b, agent.critical, inputs.routes, now)),
    reasoning: compileReasoning(budgets.map((b) => b.spec.reasoningBudget)),
    routes: routes.map((r) => withCacheTtlAtMost(effectiveRoute(r, residency), inputs.maxCacheTtlMs)),
    slos: slos.map((s) => agentSLOPolicy(s, agent.critical)),
    pricing: { ...inputs.catalog?.prices },
  };
  const { exchangeRates = [], outputLimits = {} } = inputs.catalog ?? {};
  if (exchangeRates.length > 0) policy.exchangeRates = exchangeRates.map((r) => ({ ...r }));
  if (Object.keys(outputLimits).length > 0) policy.outputLimits = { ...outputLimits };
  if (residency) policy.residency = residency;
  const templates = promptTemplatesOf(agent.namespace, inputs.promptTemplates ?? []);
  if (templates.length > 0) policy.promptTemplates = templates;
  return { policy, conflicts };
}

/**
 * The templates of the namespace a sidecar is given: those not being deleted whose spec is valid (the
 * API server refuses invalid ones; one stored before a rule existed is left out, and its controller
 * says so in its status).
 */
function promptTemplatesOf(namespace: string, templates: readonly PromptTemplate[]) {
  return compilePromptTemplates(
    templates.flatMap((t) => {
      if (t.metadata.namespace !== namespace || t.metadata.deletionTimestamp) return [];
      const spec = promptTemplateSpec.safeParse(t.spec);
      return spec.success ? [{ name: t.metadata.name ?? '', spec: spec.data }] : [];
    }),
  );
}

function effectiveRoute(route: FallbackRoute, residency: EffectivePolicy['residency']): EffectiveRoute {
  const name = route.metadata?.name ?? '';
  const compiled = compileRoute(name, route.spec, (target) =>
    target.credentialsSecretRef ? { file: credentialsFile(target.credentialsSecretRef) } : undefined,
  );
  compiled.targets = compiled.targets.map((target, i) => {
    const spec = route.spec.targets[i];
    if (!spec) return target;
    const placed = placeTarget(spec, residency);
    return {
      ...target,
      ...(placed.region !== undefined ? { region: placed.region } : {}),
      ...(placed.jurisdiction !== undefined ? { jurisdiction: placed.jurisdiction } : {}),
    };
  });
  return compiled;
}

/** A cached answer may repeat what a prompt said: the retention setting caps how long it is kept. */
export function withCacheTtlAtMost(route: EffectiveRoute, maxMs: number | undefined): EffectiveRoute {
  if (maxMs === undefined || !route.cache || route.cache.ttlMs <= maxMs) return route;
  return { ...route, cache: { ...route.cache, ttlMs: maxMs } };
}

function byName(a: { metadata?: { name?: string } }, b: { metadata?: { name?: string } }): number {
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
