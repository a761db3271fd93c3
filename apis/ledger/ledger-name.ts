import { createHash } from 'node:crypto';
import type { UsageLedgerSpec } from '../usage-ledger.js';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * Name of the AgentUsageLedger of an agent, in the agent's namespace: the agent name itself when it
 * is a valid object name (the usual case, so `kubectl get ledger support` works), otherwise a
 * lowercased, cleaned form plus a hash of the exact name, so two agents never share a ledger.
 */
export function ledgerName(agent: string): string {
  if (agent.length > 0 && DNS_SUBDOMAIN.test(agent)) return agent;
  const hash = createHash('sha256').update(agent).digest('hex').slice(0, 10);
  const cleaned = agent
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50);
  return cleaned ? `${cleaned}-${hash}` : `agent-${hash}`;
}

/** A new ledger for `agent`, counting nothing yet. */
export function emptyLedger(agent: string): UsageLedgerSpec {
  return {
    agent,
    totals: {
      requests: 0,
      inputTokens: 0,
      outputTokens: 0,
      cachedInputTokens: 0,
      estimatedTokens: 0,
      costMicros: 0,
    },
    periods: [],
    buckets: { minutes: [], fiveMinutes: [], hours: [], days: [] },
    instances: [],
  };
}
