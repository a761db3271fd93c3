// Registers the budget's period in the ledger of every agent it selects (docs/adr/0004-usage-ledger.md,
// "Periods are registered by budgets"): a ledger counts usage only in the periods it tracks. Creates
// the ledger when the agent has none yet, exactly as usage ingest would, and writes with the
// resourceVersion read (a 409 means ingest wrote in between: the reconcile retries).

import { agentUsageLedgers } from '../../agents/governor-resources.js';
import type { BudgetPeriodSpec } from '../../apis/budget-period.js';
import { AGENT_LABEL, API_VERSION } from '../../apis/group-version.js';
import { emptyLedger, ledgerName } from '../../apis/ledger/ledger-name.js';
import { periodTrackingDue, trackPeriods } from '../../apis/ledger/tracked-periods.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import type { ObjectCache } from '../../runtime/informer/object-store.js';
import { isAlreadyExists } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';

/** Ledgers written (created or updated) so they track `period`; 0 when all did already. */
export async function trackBudgetPeriod(options: {
  client: KubeClient;
  ledgers: ObjectCache<AgentUsageLedger>;
  namespace: string;
  agents: readonly string[];
  period: BudgetPeriodSpec;
  now: Date;
}): Promise<number> {
  // The ledgers are independent objects: registered together, not one round trip after another
  // (a budget selecting many agents would otherwise take that many round trips to reconcile).
  const writes = options.agents.map(async (agent) => {
    const key = { namespace: options.namespace, name: ledgerName(agent) };
    const found = options.ledgers.get(key);
    if (found && !periodTrackingDue(found.spec, options.period, options.now)) return 0;
    if (!found) {
      const spec = trackPeriods(emptyLedger(agent), [options.period], options.now);
      try {
        await options.client.create(agentUsageLedgers, {
          apiVersion: API_VERSION,
          kind: 'AgentUsageLedger',
          metadata: {
            ...key,
            labels: { 'app.kubernetes.io/managed-by': 'agent-governor', [AGENT_LABEL]: agent },
          },
          spec,
        });
      } catch (err) {
        // Ingest created it meanwhile; the next reconcile (its watch event) registers the period.
        if (!isAlreadyExists(err)) throw err;
      }
    } else {
      await options.client.update(agentUsageLedgers, {
        ...found,
        spec: trackPeriods(found.spec, [options.period], options.now),
      });
    }
    return 1;
  });
  const written = (await Promise.all(writes)).reduce<number>((sum, n) => sum + n, 0);
  return written;
}
