import type { ApiKind } from '../http/api-kind.js';
import type { BudgetAction, BudgetPhase } from './local-phase.js';
import type { Exceeded } from './reasoning-verdict.js';

/** What the budget gate is asked about one call, before it is forwarded. */
export interface GateRequest {
  api: ApiKind;
  model: string;
  useCase?: string;
  traceId: string;
  /** The sidecar generated the trace id (the agent named none): calls per trace are not counted for it. */
  traceGenerated?: boolean;
  chainDepth?: number;
  /** The max output tokens the request asks for, per choice (`requestedMaxOutputTokens`). */
  requestedMaxOutputTokens?: number;
  estimatedInputTokens: number;
  worstCaseOutputTokens: number;
  /** Answers asked for (`CallFacts.output.choices`), so a clamp scales the reserved output right; default derived. */
  choices?: number;
  /** The matched route's cheaper model, used by Degrade when the budget names none. */
  routeDegradeModel?: string;
  /**
   * The model the route's first target will be asked for when the call is not degraded (a target
   * may rename it, e.g. to an Azure deployment): what the call is priced as. Default: `model`.
   */
  targetModel?: string;
}

/** Worst-case tokens and cost held for one admitted call until it settles or is released. */
export interface Reservation {
  readonly id: number;
  readonly traceId: string;
  readonly model: string;
  readonly tokens: number;
  /** Per budget: its period (epoch) and the worst-case cost held, in the budget's currency. */
  readonly holds: readonly { readonly budget: string; readonly epoch: number; readonly costMicros: number }[];
}

/**
 * An admitted call of the agent's own trace while a calls-per-trace limit applies: what the sidecar
 * asks the operator to count across the agent's pods (docs/adr/0042-calls-per-trace-across-pods.md).
 */
export interface TraceTake {
  traceId: string;
  limit: number;
  /** Calls of the trace this sidecar knew of before this one. */
  seen: number;
  /** The use case whose limit applied. */
  useCase?: string;
}

/** A call past a reasoning limit sent to the cheaper model (onExceeded: Simplify). */
export interface Simplified {
  model: string;
  exceeded: Exceeded;
}

export type GateVerdict =
  | {
      kind: 'admit';
      reservation: Reservation;
      model: string;
      maxOutputTokens?: number;
      /** Present when the call is to be counted across the agent's pods. */
      trace?: TraceTake;
      /** Present when the reasoning budget sent the call to its cheaper model. */
      simplified?: Simplified;
      decisions: string[];
    }
  | {
      /** Past a reasoning limit under Defer: nothing is reserved; the batch's usage is counted when delivered. */
      kind: 'defer';
      exceeded: Exceeded;
      completionWindow: string;
      decisions: string[];
    }
  | {
      kind: 'refuse';
      status: number;
      code: string;
      message: string;
      budget?: string;
      resetsAt?: string;
      retryAfterSeconds?: number;
      /** The request field the refusal is about (OpenAI's error `param`). */
      param?: string;
      /** What the refused call's usage record says about its price (an unpriced_model refusal). */
      pricing?: { unpriced?: true; currency?: string };
      /** The budget has room but this sidecar's slice of it has not: a renewal is being asked for. */
      sliceShort?: true;
      decisions: string[];
    };

export interface BudgetSnapshot {
  name: string;
  phase: BudgetPhase;
  actions: BudgetAction[];
  usedTokens: number;
  reservedTokens: number;
  limitTokens?: number;
  /** limitTokens − usedTokens, never below 0 (reservations not subtracted). */
  remainingTokens?: number;
  usedCostMicros: number;
  reservedCostMicros: number;
  limitCostMicros?: number;
  resetsAt: string;
}

export type Refusal = Extract<GateVerdict, { kind: 'refuse' }>;

/** Seconds from `now` until `end` (epoch ms), at least 1: a Retry-After value. */
export function secondsUntil(end: number, now: number): number {
  return Math.max(1, Math.ceil((end - now) / 1000));
}

/** A refusal, with `refused:<code>[:<budget>]` added to the decisions taken so far. */
export function refuse(
  decisions: string[],
  status: number,
  code: string,
  message: string,
  extra: {
    budget?: string;
    resetsAt?: string;
    retryAfterSeconds?: number;
    param?: string;
    pricing?: { unpriced?: true; currency?: string };
    sliceShort?: true;
  },
): Refusal {
  decisions.push(extra.budget ? `refused:${code}:${extra.budget}` : `refused:${code}`);
  return { kind: 'refuse', status, code, message, ...extra, decisions };
}
