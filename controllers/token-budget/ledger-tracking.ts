// Registers the budget's period in the ledger of every agent it selects (docs/adr/0004-usage-ledger.md,
// "Periods are registered by budgets"): a ledger counts usage only in the periods it tracks. Which
// ledgers need it is decided from the cache (`periodRegistrations`, pure); the writes create the
// ledger when the agent has none yet, exactly as usage ingest would, and update with the
// resourceVersion read (a 409 means ingest wrote in between: the reconcile retries).

import type { LedgerDocuments } from '../../agents/ledger-documents.js';
import type { BudgetPeriodSpec } from '../../apis/budget-period.js';
import { AGENT_LABEL, API_VERSION } from '../../apis/group-version.js';
import { emptyLedger, ledgerName } from '../../apis/ledger/ledger-name.js';
import { periodTrackingDue, trackPeriods } from '../../apis/ledger/tracked-periods.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { isAlreadyExists } from '../../runtime/kube/api-error.js';

/** One ledger write that makes a ledger track the budget's period. */
export type PeriodRegistration = { create: AgentUsageLedger } | { update: AgentUsageLedger };

/** The ledger writes the budget's period needs; none when every agent's ledger tracks it already. */
export function periodRegistrations(input: {
  /** An agent's ledger as cached, if it has one. */
  ledger: (agent: string) => AgentUsageLedger | undefined;
  namespace: string;
  agents: readonly string[];
  period: BudgetPeriodSpec;
  now: Date;
}): PeriodRegistration[] {
  const registrations: PeriodRegistration[] = [];
  for (const agent of input.agents) {
    const found = input.ledger(agent);
    if (found && !periodTrackingDue(found.spec, input.period, input.now)) continue;
    if (found) {
      registrations.push({ update: { ...found, spec: trackPeriods(found.spec, [input.period], input.now) } });
      continue;
    }
    registrations.push({
      create: {
        apiVersion: API_VERSION,
        kind: 'AgentUsageLedger',
        metadata: {
          namespace: input.namespace,
          name: ledgerName(agent),
          labels: { 'app.kubernetes.io/managed-by': 'agent-governor', [AGENT_LABEL]: agent },
        },
        spec: trackPeriods(emptyLedger(agent), [input.period], input.now),
      },
    });
  }
  return registrations;
}

/** Carries the registrations out; resolves with the number written. */
export async function registerPeriods(
  ledgers: LedgerDocuments,
  registrations: readonly PeriodRegistration[],
): Promise<number> {
  // The ledgers are independent objects: registered together, not one round trip after another
  // (a budget selecting many agents would otherwise take that many round trips to reconcile).
  const writes = registrations.map(async (registration) => {
    if ('update' in registration) {
      await ledgers.update(registration.update);
      return 1;
    }
    try {
      await ledgers.create(registration.create);
      return 1;
    } catch (err) {
      // Ingest created it meanwhile; the next reconcile (its watch event) registers the period.
      if (!isAlreadyExists(err)) throw err;
      return 1;
    }
  });
  return (await Promise.all(writes)).reduce<number>((sum, n) => sum + n, 0);
}
