// POST /v1/budget-leases from an authenticated sidecar (or the gateway for an agent): read the small
// body (bounded), validate it as a BudgetLeaseRequest (400 naming the field), check the token may act
// for the agent (403, agent-binding.ts), then for each budget of the agent's policy it asks about:
// read the part of its lease book the asks need, decide the slices (budget-lease-book.ts, pure),
// write the changes at the revision read; another replica's write in between means read and decide
// again. Asks of one budget arriving while a turn of its book runs are decided together in the next
// (book-batches.ts). 501 when the usage store keeps no lease books (the API server store), 503 when
// the store does not answer (docs/adr/0062-budget-leases.md, 0066-lease-book-totals.md).
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type BudgetLease,
  type BudgetLeaseAnswer,
  type BudgetLeaseAsk,
  budgetLeaseRequest,
} from '../apis/budget-lease.js';
import type { EffectiveBudget } from '../apis/effective-policy.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import type { BookBatches } from './book-batches.js';
import { decideTurn, type LeaseGrant, openBook } from './budget-lease-book.js';
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
  /** This replica's asks of one book, decided in batches. */
  batches: LeaseBatches;
  store: PolicyStore;
  now: () => number;
  /** Lease time far from a threshold (`--budget-lease-seconds`); default LEASE_MS, 5 s. */
  leaseMs?: number | undefined;
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
  const books = deps.books;
  const asked: Promise<BudgetLease>[] = [];
  for (const ask of budgets) {
    const budget = policy?.budgets.find((b) => b.name === ask.budget);
    const why = unleasable(budget, deps.now(), agent);
    if (why !== undefined || !budget) {
      answer.unleased.push({ budget: ask.budget, reason: why ?? 'not in the policy' });
      continue;
    }
    asked.push(
      leaseBudget(books, deps.batches, budget, holder, ask, deps.now, deps.leaseMs).then((grant) => {
        deps.onLease?.(
          ask.release ? 'released' : grant.grantedTokens > 0 ? 'granted' : 'denied',
          grant.grantedTokens,
        );
        return leaseOf(budget, grant);
      }),
    );
  }
  // The budgets' books are independent: their turns run side by side.
  const settled = await Promise.allSettled(asked);
  const failure = settled.find((s) => s.status === 'rejected');
  if (failure) {
    const err = failure.reason;
    return sendError(response, {
      status: 503,
      code: 'unavailable',
      message: `budget leases of agent ${agent.namespace}/${agent.name} not granted: ${(err as Error).message}`,
      retryAfterSeconds: 1,
    });
  }
  for (const s of settled) if (s.status === 'fulfilled') answer.leases.push(s.value);
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

/** An ask waiting for its book's turn. */
export interface BookAsk {
  budget: EffectiveBudget;
  holder: string;
  ask: BudgetLeaseAsk;
}

export type LeaseBatches = BookBatches<BookAsk, LeaseGrant>;

/**
 * One budget's slice for `holder`: decided in the next turn of the budget's book in this process,
 * with the other asks of that book waiting then.
 */
export function leaseBudget(
  books: LeaseBooks,
  batches: LeaseBatches,
  budget: EffectiveBudget,
  holder: string,
  ask: BudgetLeaseAsk,
  now: () => number,
  leaseMs?: number,
): Promise<LeaseGrant> {
  return batches.submit(`${budget.name}@${budget.periodEnd}`, { budget, holder, ask }, (asks) =>
    decideAndWrite(books, asks, now, leaseMs),
  );
}

/** One turn: read what the asks need, decide them in order, write the changes at the revision read; again when another writer came first. */
async function decideAndWrite(
  books: LeaseBooks,
  asks: BookAsk[],
  now: () => number,
  leaseMs: number | undefined,
): Promise<LeaseGrant[]> {
  const { name, periodEnd, usedTokens } = (asks[0] as BookAsk).budget;
  const expireAt = Date.parse(periodEnd) + BOOK_KEPT_AFTER_PERIOD_MS;
  const holders = [...new Set(asks.map((a) => a.holder))];
  const turnAsks = asks.map((a) => ({
    holder: a.holder,
    ask: a.ask,
    terms: {
      limitTokens: a.budget.limitTokens ?? 0,
      policyUsedTokens: a.budget.usedTokens,
      thresholds: [...(a.budget.thresholds ?? []).map((t) => t.percent), 100],
      ...(leaseMs !== undefined ? { leaseMs } : {}),
    },
  }));
  for (let attempt = 1; ; attempt++) {
    const at = now();
    const stored = await books.read(name, periodEnd, holders, at);
    const turn = decideTurn(stored.book ?? openBook(usedTokens), turnAsks, at);
    const changes = { totals: turn.book.totals, holders: turn.book.holders, forgotten: turn.forgotten };
    if (await books.write(name, periodEnd, stored.rev, changes, expireAt)) return turn.grants;
    if (attempt >= MAX_ATTEMPTS) {
      throw new Error(
        `the lease book of budget ${name} changed under ${MAX_ATTEMPTS} writes in a row; retry`,
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
