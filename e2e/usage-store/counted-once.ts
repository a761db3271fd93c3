// The usage suites' closing check, once traffic has stopped: every token the mock LLM served to an
// agent is counted exactly once — in the store's ledger (tokens and requests) and in the agent's
// TokenBudget status, which the operator computes from that store — and, with the Redis store, no
// AgentUsageLedger was written to the API server.
import assert from 'node:assert/strict';
import { agentUsageLedgers, tokenBudgets } from '../../agents/governor-resources.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import type { UsageStore } from '../../sidecar-services/usage-store/usage-store.js';
import { eventually } from '../../testing/eventually.js';
import type { GovernedAgents } from '../../testing/governed-agents.js';
import type { MockLlm } from '../../testing/mock-llm.js';
import { servedCalls, servedTokens } from '../operator-scenarios/agent-calls.js';

export interface CountedOnce {
  calls: number;
  tokens: number;
}

/**
 * Waits for budget `<agent>-daily` to count what the mock served to `agent`, then asserts equality.
 * `refused`: calls the agent's sidecars answered themselves (a 429 for want of a lease slice): never
 * served and no tokens, but recorded as requests with their outcome, as every call through a sidecar is.
 */
export async function assertCountedOnce(
  env: GovernedAgents,
  store: UsageStore,
  mock: MockLlm,
  agent: string,
  { refused = 0, timeoutMs = 90_000 }: { refused?: number; timeoutMs?: number } = {},
): Promise<CountedOnce> {
  const tokens = servedTokens(mock, agent);
  const calls = servedCalls(mock, agent).length;
  const key = { namespace: env.namespace, name: `${agent}-daily` };
  const counted = await eventually(
    `budget ${key.name} to count the ${tokens} tokens served to ${agent}`,
    async () => {
      const used = (await env.client.get(tokenBudgets, key))?.status?.used?.tokens ?? 0;
      return used >= tokens ? used : undefined;
    },
    { timeoutMs, intervalMs: 200 },
  );
  assert.equal(counted, tokens, `the budget status of ${agent} holds exactly the tokens served`);
  const ledgerKey = { namespace: env.namespace, name: ledgerName(agent) };
  const totals = (await store.ledgers.get(ledgerKey))?.spec.totals;
  assert.equal(
    (totals?.inputTokens ?? 0) + (totals?.outputTokens ?? 0),
    tokens,
    `the store holds the tokens served to ${agent}`,
  );
  assert.equal(
    totals?.requests,
    calls + refused,
    `the store counts each call of ${agent} once: ${calls} served, ${refused} refused by its sidecars`,
  );
  assert.equal(
    await env.client.get(agentUsageLedgers, ledgerKey),
    undefined,
    `no ledger of ${agent} in the API server`,
  );
  return { calls, tokens };
}
