// The FallbackRoute controller: resolves each target's region and checks it against the residency
// policies of the route's namespace, counts the agents the route is compiled into, detects routes
// claiming the same model for one agent, aggregates the circuits its agents' sidecars report in their
// ledgers (route-circuits.ts, docs/adr/0041-circuit-reports.md), and writes status (route-status.ts
// decides it). The effective policies themselves are compiled by the policy compiler; this
// controller only reports.
import { isDeepStrictEqual } from 'node:util';
import { isAgentWorkload } from '../../agents/agent-workload.js';
import { agentsInCaches, agentWorkloadKinds } from '../../agents/agent-workload-watches.js';
import { agentUsageLedgers, dataResidencyPolicies, fallbackRoutes } from '../../agents/governor-resources.js';
import { routeSelectsAgent } from '../../agents/route-selection.js';
import { compileResidency } from '../../apis/compile/residency.js';
import type { Condition } from '../../apis/condition.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import type { AgentUsageLedger, CircuitReportEntry } from '../../apis/usage-ledger.js';
import { residencyPoliciesFor } from '../../residency/residency-scope.js';
import {
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { KeyIndex } from '../../runtime/controller/key-index.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { nextConditions } from '../kstatus/conditions.js';
import { workloadLabelsChanged } from '../policy-compiler/policy-input-changes.js';
import { circuitTransitions } from './circuit-transitions.js';
import { experimentNumbers, pacedExperiment } from './experiment-status.js';
import { routeCircuits } from './route-circuits.js';
import { routeMetrics } from './route-metrics.js';
import { routeVerdict } from './route-status.js';

/** A ledger change matters to routes only when the circuit reports or the experiment lines in it changed. */
function circuitReportsChanged(old: AgentUsageLedger, current: AgentUsageLedger): boolean {
  return (
    JSON.stringify(old.spec?.circuitReports) !== JSON.stringify(current.spec?.circuitReports) ||
    JSON.stringify(old.spec?.experimentLines) !== JSON.stringify(current.spec?.experimentLines)
  );
}

export const FALLBACK_ROUTE_CONTROLLER = 'fallback-route';

/** `Ready`, or `Stalled/<reason>`: what a transition Event is about. */
function stateOf(conditions: readonly Condition[] | undefined): string | undefined {
  const stalled = conditions?.find((c) => c.type === 'Stalled' && c.status === 'True');
  if (stalled) return `Stalled/${stalled.reason}`;
  const ready = conditions?.find((c) => c.type === 'Ready');
  return ready?.status === 'True' ? 'Ready' : undefined;
}

export const fallbackRouteController: ControllerFactory = (environment) => {
  const routes = new KeyIndex();
  /** When this process last wrote each route's experiment numbers (they are paced). */
  const experimentWrites = new Map<string, number>();
  const metrics = routeMetrics(environment.registry);
  const namespaced = (object: KubeObject) => routes.inNamespace(object.metadata?.namespace ?? '');
  return defineController({
    name: FALLBACK_ROUTE_CONTROLLER,
    concurrency: 2,
    watches: [
      watch({
        resource: fallbackRoutes,
        mapToKeys: (route) => [routes.note(route.metadata?.namespace ?? '', route.metadata?.name ?? '')],
      }),
      ...agentWorkloadKinds.map(({ resource }) =>
        watch({
          resource,
          filter: isAgentWorkload,
          mapToKeys: namespaced,
          // Which routes select an agent depends on its labels, not on a scale-down or a suspend.
          changed: workloadLabelsChanged,
        }),
      ),
      watch({ resource: dataResidencyPolicies, mapToKeys: () => routes.all() }),
      watch({ resource: agentUsageLedgers, mapToKeys: namespaced, changed: circuitReportsChanged }),
      watch({ resource: namespaces, mapToKeys: (ns) => routes.inNamespace(ns.metadata?.name ?? '') }),
    ],
    async reconcile(key, context) {
      const namespace = key.namespace ?? '';
      const route = context.cache(fallbackRoutes).get(key);
      if (!route) {
        routes.forget(namespace, key.name);
        metrics.forget(key);
        experimentWrites.delete(`${namespace}/${key.name}`);
        return done;
      }
      routes.note(namespace, key.name);
      const policies = residencyPoliciesFor(
        namespace,
        context.cache(namespaces).get(namespace)?.metadata?.labels,
        context.cache(dataResidencyPolicies).list(),
        { operatorNamespace: environment.namespace },
      );
      const agents = [...agentsInCaches(context.cache, namespace).values()];
      const ledgers = agents
        .filter((agent) => routeSelectsAgent(route, agent))
        .map((agent) => context.cache(agentUsageLedgers).get({ namespace, name: ledgerName(agent.name) }));
      const reports: CircuitReportEntry[] = ledgers.flatMap((ledger) => ledger?.spec.circuitReports ?? []);
      const routeKey = `${namespace}/${key.name}`;
      const experiment = pacedExperiment({
        current: route.status?.experiment,
        next: experimentNumbers(
          key.name,
          route.spec,
          ledgers.flatMap((ledger) => ledger?.spec.experimentLines ?? []),
          context.now(),
        ),
        lastWriteAt: experimentWrites.get(routeKey),
        at: context.now().getTime(),
      });
      const circuits = routeCircuits(
        key.name,
        route.spec.targets.map((t) => t.name),
        reports,
        context.now(),
      );
      metrics.observe(key, circuits);
      const verdict = routeVerdict({
        route,
        residency: compileResidency(policies.map((p) => ({ name: p.metadata?.name ?? '', spec: p.spec }))),
        agents,
        routes: context.cache(fallbackRoutes).list(namespace),
        circuits,
      });
      // Reports age out without any write: judge the route again when the oldest does.
      const recheck = [circuits.recheckAfterMs, experiment.waitMs || undefined].filter(
        (ms): ms is number => ms !== undefined,
      );
      const next = recheck.length > 0 ? requeueAfter(Math.min(...recheck)) : done;
      const previous = route.status;
      const generation = route.metadata?.generation;
      const conditions = nextConditions(previous?.conditions, verdict.conditions, generation, context.now());
      const desired = {
        resolvedTargets: verdict.resolvedTargets,
        agents: verdict.agents,
        activeTarget: verdict.activeTarget ?? null,
        circuit: verdict.circuit ?? null,
        experiment: experiment.show ?? null,
        conditions,
        ...(generation !== undefined ? { observedGeneration: generation } : {}),
      };
      const current = {
        resolvedTargets: previous?.resolvedTargets,
        agents: previous?.agents,
        activeTarget: previous?.activeTarget ?? null,
        circuit: previous?.circuit ?? null,
        experiment: previous?.experiment ?? null,
        conditions: previous?.conditions,
        ...(previous?.observedGeneration !== undefined
          ? { observedGeneration: previous.observedGeneration }
          : {}),
      };
      const wrote = await new PlanExecutor(context).writeStatus({
        resource: fallbackRoutes,
        key,
        current,
        next: desired,
        patch: 'merge',
      });
      if (!wrote) return next;
      if (experiment.show && !isDeepStrictEqual(experiment.show, previous?.experiment))
        experimentWrites.set(routeKey, context.now().getTime());
      for (const change of circuitTransitions(previous?.resolvedTargets, verdict.resolvedTargets)) {
        if (change.opened) {
          context.events.warning(
            route,
            'CircuitOpen',
            `The sidecars report the circuit of target ${change.target} open (${verdict.circuit ?? ''}); its calls go to the next target.`,
            'Circuit',
          );
        } else {
          context.events.normal(
            route,
            'CircuitClosed',
            `The sidecars report the circuit of target ${change.target} closed again (${verdict.circuit ?? ''}).`,
            'Circuit',
          );
        }
      }
      if (
        (previous?.activeTarget ?? undefined) !== verdict.activeTarget &&
        verdict.activeTarget !== undefined
      ) {
        context.events.normal(
          route,
          'ActiveTargetChanged',
          `Most sidecars now call target ${verdict.activeTarget} first${previous?.activeTarget ? ` (was ${previous.activeTarget})` : ''}.`,
          'Circuit',
        );
      }
      const before = stateOf(previous?.conditions);
      const after = stateOf(conditions);
      if (before !== after) {
        const { state, reason, message } = verdict.health;
        if (state === 'Stalled') context.events.warning(route, reason, message, 'Resolve');
        else context.events.normal(route, reason, message, 'Resolve');
      }
      return next;
    },
  });
};
