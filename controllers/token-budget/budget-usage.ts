import { periodTotals } from '../../apis/ledger/period-totals.js';
import type { TokenBudgetSpec } from '../../apis/token-budget.js';
import type { UsageLedgerSpec } from '../../apis/usage-ledger.js';

export interface UsageCounts {
  /** Input plus output tokens. */
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  costMicros: number;
  requests: number;
}

export interface AgentUsage extends UsageCounts {
  /** The agent (value of the governor.agents.dev/agent label). */
  name: string;
}

export interface BudgetUsage {
  total: UsageCounts;
  /** Per agent, most tokens first. */
  agents: AgentUsage[];
  /** Latest time a selected agent's ledger started counting this period, if after the period start. */
  trackedSince?: Date;
}

const ZERO: UsageCounts = {
  tokens: 0,
  inputTokens: 0,
  outputTokens: 0,
  cachedInputTokens: 0,
  costMicros: 0,
  requests: 0,
};

/**
 * The usage a budget counts this period: the ledgers of the selected agents, in the budget's
 * period, limited to its use cases. An agent whose ledger does not track the period yet has used
 * nothing as far as the budget knows.
 */
export function budgetUsage(
  spec: Pick<TokenBudgetSpec, 'period' | 'useCases'>,
  ledgers: readonly UsageLedgerSpec[],
  now: Date,
): BudgetUsage {
  const total = { ...ZERO };
  const agents: AgentUsage[] = [];
  let trackedSince: Date | undefined;
  for (const ledger of ledgers) {
    const found = periodTotals(ledger, spec.period, now, spec.useCases);
    const counts: UsageCounts = found
      ? {
          tokens: found.tokens,
          inputTokens: found.inputTokens,
          outputTokens: found.outputTokens,
          cachedInputTokens: found.cachedInputTokens,
          costMicros: found.costMicros,
          requests: found.requests,
        }
      : { ...ZERO };
    for (const key of Object.keys(total) as (keyof UsageCounts)[]) total[key] += counts[key];
    agents.push({ name: ledger.agent, ...counts });
    if (found?.trackedSince && (!trackedSince || found.trackedSince > trackedSince))
      trackedSince = found.trackedSince;
  }
  agents.sort((a, b) => b.tokens - a.tokens || (a.name < b.name ? -1 : 1));
  return { total, agents, ...(trackedSince ? { trackedSince } : {}) };
}
