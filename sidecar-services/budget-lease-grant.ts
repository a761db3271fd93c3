// POST /v1/budget-leases from an authenticated sidecar (or the gateway for an agent): read the small
// body (bounded), validate it as a BudgetLeaseRequest (400 naming the field), check the token may act
// for the agent (403, agent-binding.ts), then for each budget of the agent's policy it asks about:
// read its lease book, decide the slice (budget-lease-book.ts, pure), write the book at the revision
// read; another replica's write in between means read and decide again. 501 when the usage store
// keeps no lease books (the API server store), 503 when the store does not answer
// (docs/adr/0062-budget-leases.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type BudgetLease,
  type BudgetLeaseAnswer,
  type BudgetLeaseAsk,
  budgetLeaseRequest,
} from '../apis/budget-lease.js';
import type { EffectiveBudget } from '../apis/effective-policy.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import type { BookTurns } from './book-turns.js';
import { grantLease, type LeaseGrant, openBook } from './budget-lease-book.js';
import { readJsonRequest } from './json-request.js';
import type { PolicyStore } from './policy-store.js';
import type { ServiceAccountIdentity } from './service-account-identity.js';
import { sendError, sendJson } from './service-answer.js';
import type { LeaseBooks } from './usage-store/redis-lease-books.js';

/** 64 budgets of a few hundred bytes each at most. */
const MAX_LEASE_REQUEST_BYTES = 64 * 1024;
/** Writes of one book that lost to another replica before the request gives up (503). */
const MAX_ATTEMPTS = 10;
/** A book outlives its period by this much (late renewals of the old period find it). */
const BOOK_KEPT_AFTER_PERIOD_MS = 60 * 60_000;

export interface BudgetLeaseDependencies {
  books: LeaseBooks | undefined;
  /** This replica's asks of one book, one at a time. */
  turns: BookTurns;
  store: PolicyStore;
  now: () => number;
  /** The binding of agents to ServiceAccounts (agent-binding.ts); undefined: the namespace check only. */
  agentAccounts?: ((namespace: string, agent: string) => AgentAccounts) | undefined;
  /** Per lease answered: granted (a slice > 0), denied (0), released. */
  onLease?: (result: 'granted' | 'denied' | 'released', grantedTokens: number) => void;
}

export async function grantBudgetLeases(
  request: IncomingMessage,
  response: ServerResponse,
  identity: ServiceAccountIdentity,
  deps: BudgetLeaseDependencies,
): Promise<void> {
  const read = await readJsonRequest(
    request,
    MAX_LEASE_REQUEST_BYTES,
    budgetLeaseRequest,
    'the budget lease request',
  );
  if (!read.ok) return sendError(response, read.error);
  const { agent, holder, budgets } = read.value;
  const refusal = agentBindingRefusal(
    identity,
    agent,
    'lease budgets of',
    deps.agentAccounts?.(agent.namespace, agent.name),
  );
  if (refusal) return sendError(response, refusal);
  if (!deps.books) {
    return sendError(response, {
      status: 501,
      code: 'not_implemented',
      message:
        'budget leases need a shared usage store (--usage-store redis); with the API server store ' +
        'sidecars keep counting budgets on their own (docs/adr/0062-budget-leases.md)',
    });
  }
  const policy = deps.store.get(agent.namespace, agent.name)?.policy;
  const answer: BudgetLeaseAnswer = { leases: [], unleased: [] };
  try {
    for (const ask of budgets) {
      const budget = policy?.budgets.find((b) => b.name === ask.budget);
      const why = unleasable(budget, deps.now(), agent);
      if (why !== undefined || !budget) {
        answer.unleased.push({ budget: ask.budget, reason: why ?? 'not in the policy' });
        continue;
      }
      const grant = await leaseBudget(deps.books, deps.turns, budget, holder, ask, deps.now);
      answer.leases.push(leaseOf(budget, grant));
      deps.onLease?.(
        ask.release ? 'released' : grant.grantedTokens > 0 ? 'granted' : 'denied',
        grant.grantedTokens,
      );
    }
  } catch (err) {
    return sendError(response, {
      status: 503,
      code: 'unavailable',
      message: `budget leases of agent ${agent.namespace}/${agent.name} not granted: ${(err as Error).message}`,
      retryAfterSeconds: 1,
    });
  }
  sendJson(response, 200, JSON.stringify(answer));
}

/** Why a budget gets no lease, or undefined when it does. */
function unleasable(
  budget: EffectiveBudget | undefined,
  now: number,
  agent: { namespace: string; name: string },
): string | undefined {
  if (!budget) return `not in the policy of agent ${agent.namespace}/${agent.name}`;
  if (budget.limitTokens === undefined) return 'no token limit (cost limits are counted by each sidecar)';
  if (Date.parse(budget.periodEnd) <= now)
    return 'the period of the policy is over; the next policy opens a new one';
  return undefined;
}

/** One budget's slice for `holder`: read the book, decide, write at the revision read; again when another writer came first. */
export function leaseBudget(
  books: LeaseBooks,
  turns: BookTurns,
  budget: EffectiveBudget,
  holder: string,
  ask: BudgetLeaseAsk,
  now: () => number,
): Promise<LeaseGrant> {
  return turns.run(`${budget.name}@${budget.periodEnd}`, () =>
    decideAndWrite(books, budget, holder, ask, now),
  );
}

async function decideAndWrite(
  books: LeaseBooks,
  budget: EffectiveBudget,
  holder: string,
  ask: BudgetLeaseAsk,
  now: () => number,
): Promise<LeaseGrant> {
  const expireAt = Date.parse(budget.periodEnd) + BOOK_KEPT_AFTER_PERIOD_MS;
  for (let attempt = 1; ; attempt++) {
    const stored = await books.read(budget.name, budget.periodEnd);
    const grant = grantLease(stored.book ?? openBook(budget.usedTokens), holder, ask, {
      now: now(),
      limitTokens: budget.limitTokens ?? 0,
      policyUsedTokens: budget.usedTokens,
      thresholds: [...(budget.thresholds ?? []).map((t) => t.percent), 100],
    });
    if (await books.write(budget.name, budget.periodEnd, stored.rev, grant.book, expireAt)) return grant;
    if (attempt >= MAX_ATTEMPTS) {
      throw new Error(
        `the lease book of budget ${budget.name} changed under ${MAX_ATTEMPTS} writes in a row; retry`,
      );
    }
    // Another replica wrote first: a full-jitter pause, so the replicas do not collide again in step.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(200, 5 * 2 ** attempt)));
  }
}

function leaseOf(budget: EffectiveBudget, grant: LeaseGrant): BudgetLease {
  return {
    budget: budget.name,
    grantedTokens: grant.grantedTokens,
    expiresInMs: grant.expiresInMs,
    countedTokens: grant.countedTokens,
    holders: grant.holders,
    periodEnd: budget.periodEnd,
  };
}
