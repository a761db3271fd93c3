import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { EffectiveRoute, EffectiveTarget } from '../../apis/effective-policy.js';
import type { ApiKind } from '../http/api-kind.js';
import { isAnthropic } from '../http/api-kind.js';
import { Agent } from '../http/undici-parts.js';
import { countsAgainstCircuit } from './attempt-failure.js';
import type { PlannedTarget } from './attempt-plan.js';
import { backoffDelay } from './backoff.js';
import { type CallSignal, pause } from './call-signal.js';
import type { CircuitBoard } from './circuit-board.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { adapterFor } from './provider-adapter.js';
import type { TargetCredentials } from './target-credentials.js';
import {
  AgentGoneError,
  type AttemptResult,
  attemptUpstream,
  type LastFailure,
  type UpstreamBody,
  withoutRetryAfter,
} from './upstream-attempt.js';
import { upstreamEndpoint } from './upstream-endpoint.js';
import { upstreamHeaders } from './upstream-headers.js';

export {
  AgentGoneError,
  type LastFailure,
  type UpstreamBody,
  type UpstreamStream,
} from './upstream-attempt.js';

/** The request body as bytes, per model (targets of one route may each name their own model). */
export interface RequestBytes {
  bytes(model: string): Buffer;
}

export interface RouteRequest {
  api: ApiKind;
  route: EffectiveRoute;
  plan: PlannedTarget[];
  /** The bytes to send a target, for the model planned for it. */
  body: RequestBytes;
  stream: boolean;
  headers: IncomingHttpHeaders;
  /** When the agent's request arrived (epoch ms): the overall deadline counts from it. */
  startedAt: number;
  /** Aborts when the agent goes away: no further attempts, no waiting (an AbortSignal will do). */
  signal: CallSignal;
}

export interface RouteAnswer {
  kind: 'answer';
  target: EffectiveTarget;
  model: string;
  attempts: number;
  reasons: string[];
  status: number;
  headers: Record<string, string>;
  body: UpstreamBody;
  upstreamMs: number;
  /** Texts of 2xx answers that could not be read (counted as estimated usage). */
  unreadable: string[];
  breaker: CircuitBreaker;
}

export interface RouteFailure {
  kind: 'failed';
  attempts: number;
  reasons: string[];
  upstreamMs: number;
  unreadable: string[];
  last?: LastFailure;
  /** The overall deadline ended the attempts. */
  deadlineExceeded: boolean;
}

export interface RouteRunnerOptions {
  board: CircuitBoard;
  credentials: TargetCredentials;
  dispatcher?: Dispatcher;
  now?: () => number;
  random?: () => number;
}

/**
 * Tries a route's planned targets in order: per-attempt timeout, overall deadline, retries with
 * jittered exponential backoff (or the provider's retry-after) on the failures the route lists,
 * the circuit of each target. Upstream calls go through one undici Agent (a keep-alive pool per
 * origin); streams are handed over after their first chunk, never buffered.
 */
export class RouteRunner {
  readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: RouteRunnerOptions) {
    this.ownsDispatcher = options.dispatcher === undefined;
    this.dispatcher =
      options.dispatcher ??
      new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connect: { timeout: 10_000 } });
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close();
  }

  async run(req: RouteRequest): Promise<RouteAnswer | RouteFailure> {
    const { route } = req;
    const deadline = req.startedAt + route.overallTimeoutMs;
    const reasons: string[] = [];
    const unreadable: string[] = [];
    let attempts = 0;
    let upstreamMs = 0;
    let last: LastFailure | undefined;
    let deadlineExceeded = false;

    targets: for (const planned of req.plan) {
      const { target } = planned;
      const adapter = adapterFor(target.provider);
      const url = adapter.url(target, req.api, planned.model);
      if (url === undefined) {
        reasons.push(`${target.name}:UnsupportedApi`);
        last = {
          target: target.name,
          failure: 'UnsupportedApi',
          message: `${target.provider} has no ${req.api} API`,
        };
        continue;
      }
      const creds = this.options.credentials.lookup(target);
      if (!creds.ok) {
        reasons.push(`${target.name}:NoCredentials`);
        last = { target: target.name, failure: 'NoCredentials', message: creds.problem };
        continue;
      }
      const body = req.body.bytes(planned.model);
      const headers = upstreamHeaders(
        req.headers,
        adapter.authHeaders(creds.apiKey),
        isAnthropic(req.api) || target.provider === 'Anthropic',
        body.length,
      );
      const breaker = this.options.board.breaker(route, target.name);

      for (let retry = 0; retry <= route.retries.attempts; retry++) {
        if (req.signal.aborted) throw new AgentGoneError('the agent closed the connection');
        const remaining = deadline - this.now();
        if (remaining <= 0) {
          deadlineExceeded = true;
          reasons.push(`${target.name}:Deadline`);
          break targets;
        }
        if (!breaker.tryAcquire()) {
          reasons.push(`${target.name}:CircuitOpen`);
          last ??= {
            target: target.name,
            failure: 'ServerError',
            message: `the circuit of ${target.name} is open`,
          };
          continue targets;
        }
        attempts++;
        const timeoutMs = Math.min(target.timeoutMs ?? route.perAttemptTimeoutMs, remaining);
        const began = performance.now();
        let result: AttemptResult;
        try {
          result = await attemptUpstream(
            this.dispatcher,
            upstreamEndpoint(url),
            headers,
            body,
            req,
            timeoutMs,
            this.now,
          );
        } catch (err) {
          breaker.release();
          throw err;
        }
        upstreamMs += performance.now() - began;
        if (result.ok) {
          breaker.success();
          return {
            kind: 'answer',
            target,
            model: planned.model,
            attempts,
            reasons,
            status: result.status,
            headers: result.headers,
            body: result.body,
            upstreamMs,
            unreadable,
            breaker,
          };
        }
        if (countsAgainstCircuit(result.failure)) breaker.failure();
        else breaker.release();
        if (result.unreadable !== undefined) unreadable.push(result.unreadable);
        reasons.push(`${target.name}:${result.failure}`);
        last = { target: target.name, ...withoutRetryAfter(result) };
        if (retry === route.retries.attempts || !(route.retries.retryOn as string[]).includes(result.failure))
          break;
        const wait =
          result.retryAfter ??
          backoffDelay(retry, route.retries.backoffBaseMs, route.retries.backoffMaxMs, this.random);
        // A wait that would outlast the deadline is pointless here: try the next target instead.
        if (this.now() + wait >= deadline) break;
        if (await pause(wait, req.signal)) throw new AgentGoneError('the agent closed the connection');
      }
    }
    return {
      kind: 'failed',
      attempts,
      reasons,
      upstreamMs,
      unreadable,
      deadlineExceeded,
      ...(last ? { last } : {}),
    };
  }
}
