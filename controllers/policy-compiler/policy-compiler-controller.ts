// The policy compiler: one key per agent (`namespace/agent`). It compiles the agent's effective
// policy from the caches (agent-policy.ts) and publishes it to the PolicyStore, whose long-poll
// answers the sidecars and whose mirror writes the fail-static ConfigMap. Only a changed content is
// published (compared without version and generatedAt); the policy of an agent whose workloads are
// all gone is removed. Changes to routes, budgets (their status included: the TokenBudget and
// AgentSLO controllers write phase and fast burn there) and SLOs are mapped to the agents they
// select; PromptTemplates to every agent of their namespace; residency policies, ModelCatalogs and
// namespaces to every agent they may concern; workloads to their agent. Every policy is compiled again when a declared price takes effect.

import { agentNameOf, isAgentWorkload } from '../../agents/agent-workload.js';
import { agentInCaches, agentWorkloadKinds } from '../../agents/agent-workload-watches.js';
import {
  agentSLOs,
  dataResidencyPolicies,
  fallbackRoutes,
  modelCatalogs,
  promptTemplates,
  retentionPolicies,
  tokenBudgets,
} from '../../agents/governor-resources.js';
import { agentKeysSelectedBy, type SelectingPolicy } from '../../agents/selected-agent-keys.js';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { EffectiveCatalogMemo } from '../../apis/pricing/effective-catalog.js';
import { RETENTION_POLICY_NAME } from '../../apis/retention-policy.js';
import { responseCacheLimitMs } from '../../governance/retention-settings.js';
import {
  type CacheReader,
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { KeyIndex } from '../../runtime/controller/key-index.js';
import {
  done,
  type ReconcileResult,
  requeueAfter,
  terminal,
} from '../../runtime/controller/reconcile-result.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { compileAgentPolicy } from './agent-policy.js';
import {
  budgetChangedForPolicy,
  routeChangedForPolicy,
  sloChangedForPolicy,
} from './policy-input-changes.js';
import type { PolicyPublisher } from './policy-publisher.js';

export const POLICY_COMPILER = 'policy-compiler';

/** Longest wait for a declared price that takes effect later: looked at again at least daily. */
const MAX_PRICE_CHANGE_WAIT_MS = 86_400_000;

export interface PolicyCompilerOptions {
  store: PolicyPublisher;
  /** Called after each publish or removal (tests, metrics). */
  onCompiled?: (
    namespace: string,
    agent: string,
    policy: EffectivePolicy | undefined,
    changed: boolean,
  ) => void;
}

/** Content of a policy without what changes on every compile. */
function contentOf(policy: EffectivePolicy): string {
  const { version: _version, generatedAt: _generatedAt, ...content } = policy;
  return JSON.stringify(content);
}

export function policyCompilerController(options: PolicyCompilerOptions): ControllerFactory {
  return (environment) => {
    const agents = new KeyIndex();
    const published = new Map<string, string>();
    const catalogs = new EffectiveCatalogMemo();
    /** The agents a route, budget or SLO selects (not the whole namespace: see selected-agent-keys.ts). */
    const selected = (policy: SelectingPolicy, cache: CacheReader) =>
      agentKeysSelectedBy(policy, cache).map((key) => agents.note(key.namespace ?? '', key.name));

    return defineController({
      name: POLICY_COMPILER,
      concurrency: 4,
      watches: [
        ...agentWorkloadKinds.map(({ resource }) =>
          watch({
            resource,
            filter: isAgentWorkload,
            mapToKeys: (object) => {
              const agent = agentNameOf(object);
              const namespace = object.metadata?.namespace;
              return agent && namespace ? [agents.note(namespace, agent)] : [];
            },
          }),
        ),
        watch({ resource: fallbackRoutes, mapToKeys: selected, changed: routeChangedForPolicy }),
        watch({ resource: tokenBudgets, mapToKeys: selected, changed: budgetChangedForPolicy }),
        watch({ resource: agentSLOs, mapToKeys: selected, changed: sloChangedForPolicy }),
        watch({ resource: dataResidencyPolicies, mapToKeys: () => agents.all() }),
        watch({ resource: modelCatalogs, mapToKeys: () => agents.all() }),
        watch({ resource: retentionPolicies, mapToKeys: () => agents.all() }),
        watch({
          resource: promptTemplates,
          mapToKeys: (t) => agents.inNamespace(t.metadata.namespace ?? ''),
          changed: (before, after) => JSON.stringify(before.spec) !== JSON.stringify(after.spec),
        }),
        watch({ resource: namespaces, mapToKeys: (ns) => agents.inNamespace(ns.metadata?.name ?? '') }),
      ],
      async reconcile(key, context) {
        const namespace = key.namespace ?? '';
        const id = `${namespace}/${key.name}`;
        const agent = agentInCaches(context.cache, namespace, key.name);
        if (!agent) {
          agents.forget(namespace, key.name);
          published.delete(id);
          if (options.store.remove(namespace, key.name)) {
            context.log.info(`agent ${id} has no workloads left; its effective policy was removed`);
            options.onCompiled?.(namespace, key.name, undefined, true);
          }
          return done;
        }
        agents.note(namespace, key.name);
        const now = context.now();
        const catalog = catalogs.of(context.cache(modelCatalogs).list(), now);
        // A declared price that takes effect later: compile again then (at least daily).
        const next: ReconcileResult = catalog.nextChange
          ? requeueAfter(
              Math.min(MAX_PRICE_CHANGE_WAIT_MS, Math.max(0, catalog.nextChange.getTime() - now.getTime())),
            )
          : done;
        let policy: EffectivePolicy;
        try {
          policy = compileAgentPolicy({
            agent,
            namespaceLabels: context.cache(namespaces).get(namespace)?.metadata?.labels,
            routes: context.cache(fallbackRoutes).list(namespace),
            budgets: context.cache(tokenBudgets).list(namespace),
            slos: context.cache(agentSLOs).list(namespace),
            promptTemplates: context.cache(promptTemplates).list(namespace),
            residencyPolicies: context.cache(dataResidencyPolicies).list(),
            scope: { operatorNamespace: environment.namespace },
            catalog,
            maxCacheTtlMs: responseCacheLimitMs(
              context.cache(retentionPolicies).get({ name: RETENTION_POLICY_NAME }),
            ),
            now,
          }).policy;
        } catch (err) {
          // A spec the schema let through but that cannot be compiled: fixed by a change, which requeues.
          return terminal(
            new Error(`effective policy of agent ${id} cannot be compiled: ${(err as Error).message}`),
          );
        }
        const content = contentOf(policy);
        const stored = options.store.get(namespace, key.name);
        if (published.get(id) === content && stored?.origin === 'published') return next;
        const result = options.store.publish(namespace, key.name, policy);
        published.set(id, content);
        if (result.changed) {
          context.log.info({ version: result.version }, `published the effective policy of agent ${id}`);
        }
        options.onCompiled?.(namespace, key.name, policy, result.changed);
        return next;
      },
    });
  };
}
