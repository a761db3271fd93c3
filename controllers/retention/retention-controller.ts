// The RetentionPolicy controller: enforces how long the product keeps what it stores, every hour
// and whenever the policy changes, and reports it. Usage history: each AgentUsageLedger loses the
// buckets, periods and observed targets older than `usageHistory`, written where the ledgers are kept
// (the API server, or Redis/Valkey with --usage-store redis) at the revision the cache read, as usage
// ingest writes them: a ledger ingest just wrote is cut at the next round. Response
// caches: the policy compiler caps every route's cache TTL at `responseCache` in the policies
// sidecars receive (policy-compiler/agent-policy.ts). Status lists each setting and what was removed
// since the operator started; `governor_retention_removed_total{data}` counts it; an Event says so.
import type { Counter, Registry } from 'prom-client';
import { Counter as PromCounter } from 'prom-client';
import { agentUsageLedgers, retentionPolicies } from '../../agents/governor-resources.js';
import { apiServerLedgers, type LedgerDocumentsChoice } from '../../agents/ledger-documents.js';
import { RETENTION_POLICY_NAME } from '../../apis/retention-policy.js';
import { retentionSettings, usageHistoryDays } from '../../governance/retention-settings.js';
import {
  type ControllerEnvironment,
  type ControllerFactory,
  defineController,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { kstatusConditions, nextConditions } from '../kstatus/conditions.js';
import { writePrunes } from './ledger-prune-writes.js';
import { pruneLedger } from './ledger-retention.js';

export const RETENTION_CONTROLLER = 'retention';
const ROUND_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface RetentionControllerOptions {
  /** Where the ledgers are kept (pruning writes there); default the API server through the context's client. */
  ledgers?: LedgerDocumentsChoice;
}

export const retentionController =
  (options: RetentionControllerOptions = {}): ControllerFactory =>
  (environment) =>
    retention(environment, options);

function retention(environment: ControllerEnvironment, options: RetentionControllerOptions) {
  const removedTotal = removedCounter(environment.registry);
  /** Removed since this process started, by data kind. */
  const removedSinceStart = { usageHistory: 0, responseCache: 0 };
  return defineController({
    name: RETENTION_CONTROLLER,
    watches: [
      watch({ resource: retentionPolicies }),
      // Read at enforcement time only.
      watch({ resource: agentUsageLedgers, mapToKeys: () => [] }),
    ],
    async reconcile(key, context) {
      const policy = context.cache(retentionPolicies).get(key);
      if (!policy || policy.metadata?.deletionTimestamp) return done;
      const now = context.now();
      const generation = policy.metadata?.generation;
      const conditions = (health: Parameters<typeof kstatusConditions>[0]) =>
        nextConditions(policy.status?.conditions, kstatusConditions(health), generation, now);
      if (key.name !== RETENTION_POLICY_NAME) {
        await new PlanExecutor(context).writeStatus({
          resource: retentionPolicies,
          key,
          current: policy.status,
          next: {
            conditions: conditions({
              state: 'Stalled',
              reason: 'NotTheDefault',
              message: `only the RetentionPolicy named ${RETENTION_POLICY_NAME} is enforced; rename this one or delete it`,
            }),
            ...(generation !== undefined ? { observedGeneration: generation } : {}),
          },
          patch: 'merge',
        });
        return done;
      }
      const days = usageHistoryDays(policy);
      const cutoff = new Date(now.getTime() - days * DAY_MS);
      const executor = new PlanExecutor(context);
      // Each ledger is written only if it did not change since the cache read it (usage ingest writes
      // them too): a conflict is cut at the next round.
      const pruned = context
        .cache(agentUsageLedgers)
        .list()
        .map((stored) => ({ stored, pruned: pruneLedger(stored.spec, cutoff) }))
        .filter(({ pruned }) => pruned.removed > 0)
        .map(({ stored, pruned }) => ({
          ledger: { ...stored, spec: pruned.ledger },
          removed: pruned.removed,
        }));
      const ledgers = options.ledgers?.of(context.client) ?? apiServerLedgers(context.client);
      const outcomes = await writePrunes(ledgers, pruned);
      const removed = outcomes.applied.reduce((sum, p) => sum + p.removed, 0);
      const skipped = outcomes.conflicts.length;
      removedSinceStart.usageHistory += removed;
      if (removed > 0) removedTotal.inc({ data: 'usageHistory' }, removed);
      const settings = retentionSettings(policy).map((s) => ({
        data: s.data,
        limit: s.limit,
        enforcedBy: s.enforcedBy,
        removed: removedSinceStart[s.data],
      }));
      const message =
        `usage history kept ${days} days (${removed} item(s) removed now${skipped ? `, ${skipped} ledger(s) busy: next round` : ''}); ` +
        `response caches at most ${policy.spec.responseCache}`;
      await executor.writeStatus({
        resource: retentionPolicies,
        key,
        current: policy.status,
        next: {
          settings,
          lastEnforcedTime: now.toISOString(),
          conditions: conditions({ state: 'Ready', reason: 'Enforced', message }),
          ...(generation !== undefined ? { observedGeneration: generation } : {}),
        },
        patch: 'merge',
      });
      if (removed > 0) {
        executor.record([
          {
            regarding: policy,
            event: {
              type: 'Normal',
              reason: 'RetentionEnforced',
              action: 'Prune',
              note: `removed ${removed} bucket(s), period(s) and observed target(s) older than ${days} days (before ${cutoff.toISOString()}) from the usage ledgers`,
            },
          },
        ]);
      }
      return requeueAfter(skipped > 0 ? 60_000 : ROUND_MS);
    },
  });
}

function removedCounter(registry: Registry): Counter<'data'> {
  const name = 'governor_retention_removed_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter<'data'>;
  return new PromCounter({
    name,
    help: 'Stored items removed because the RetentionPolicy keeps them no longer, by kind of data.',
    labelNames: ['data'],
    registers: [registry],
  });
}
