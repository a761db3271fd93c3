import { z } from 'zod';

/**
 * Budget leases (docs/adr/0062-budget-leases.md): a sidecar (or the gateway, per agent) holds a slice
 * of each token budget's remaining room and admits calls against it locally. It asks the services
 * for slices with `POST {BUDGET_LEASES_PATH}` and a `BudgetLeaseRequest`, authenticated like usage
 * (the agent's ServiceAccount token); the answer is a `BudgetLeaseAnswer`. A lease is a
 * reservation, never a count: usage is still counted once, from the usage batches.
 */
export const BUDGET_LEASES_PATH = '/v1/budget-leases';

/** Holder ids and budget names are quoted into store keys: a bounded alphabet. */
const holderId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9._:-]+$/, { message: 'must be 1 to 128 letters, digits or . _ : -' });

export const budgetLeaseAsk = z.strictObject({
  /** The budget's name as the policy carries it (`namespace/name` of the TokenBudget). */
  budget: z.string().min(1).max(320),
  /**
   * Tokens this holder has settled against its slices this period, in total (not since the last
   * answer): a resent request counts nothing twice.
   */
  settledTokens: z.int().min(0),
  /** Worst cases of calls in flight, reserved against the slice now. */
  reservedTokens: z.int().min(0),
  /** Tokens a second this holder used lately (settled and reserved), for sizing the slice. */
  ratePerSecond: z.number().min(0).max(1e12),
  /** The worst case of the largest recent call: a slice is never sized below one more of it. */
  callTokens: z.int().min(0),
  /** Give the slice back (shutdown): nothing is granted. */
  release: z.boolean().default(false),
});
export type BudgetLeaseAsk = z.infer<typeof budgetLeaseAsk>;

export const budgetLeaseRequest = z.strictObject({
  agent: z.strictObject({ namespace: z.string().min(1).max(253), name: z.string().min(1).max(253) }),
  /** One per sidecar process (or gateway agent pipeline): the usage spool's instance id fits. */
  holder: holderId,
  budgets: z.array(budgetLeaseAsk).min(1).max(64),
});
export type BudgetLeaseRequest = z.input<typeof budgetLeaseRequest>;

export const budgetLease = z.object({
  budget: z.string(),
  /** Tokens this holder may use from now, calls in flight included, until `expiresInMs`. */
  grantedTokens: z.int().min(0),
  /** The lease ends this many milliseconds after the answer; renew before (1 s near a threshold). */
  expiresInMs: z.int().min(0),
  /** What the budget has used this period as the store knows it: its counts, every holder's reports. */
  countedTokens: z.int().min(0),
  /** Holders with a live lease, this one included. */
  holders: z.int().min(0),
  /** The period the lease belongs to (the policy's `periodEnd`). */
  periodEnd: z.string(),
});
export type BudgetLease = z.infer<typeof budgetLease>;

export const budgetLeaseAnswer = z.object({
  leases: z.array(budgetLease),
  /**
   * Budgets asked for that are not leased, with why (no token limit, not in the agent's policy,
   * period over): the sidecar keeps today's local rule for them.
   */
  unleased: z.array(z.object({ budget: z.string(), reason: z.string() })).default([]),
});
export type BudgetLeaseAnswer = z.infer<typeof budgetLeaseAnswer>;
