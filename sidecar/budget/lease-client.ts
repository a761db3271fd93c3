// One budget lease request to the services (POST /v1/budget-leases, docs/adr/0062-budget-leases.md),
// reusable by anything that holds leases: the sidecar's BudgetLeases, the gateway's pipelines, a
// benchmark. Never throws: the outcome says whether the services answered, do not lease (501: the
// API server usage store), or failed (down, 503, timeout, a bad answer). A slow answer fails the ask
// at `timeoutMs` but is not abandoned: the request goes on (up to `abandonAfterMs`) on its keep-alive
// connection and its late outcome is handed over (`late`). Aborting it would close the connection,
// and at thousands of holders the new TLS handshakes of every timed-out ask kept the services too
// busy to answer any ask in time (docs/adr/0072-lease-asks-keep-their-connection.md).

import type { Dispatcher } from 'undici';
import {
  BUDGET_LEASES_PATH,
  type BudgetLeaseAnswer,
  type BudgetLeaseRequest,
  budgetLeaseAnswer,
} from '../../apis/budget-lease.js';
import { request } from '../http/undici-parts.js';

export interface LeaseTransport {
  /** The services' base URL (`https://agent-governor.agent-governor:8444`). */
  servicesUrl: string;
  /** Keep-alive pool (and TLS trust: operatorConnector of sidecar/http/operator-trust.ts) to send through. */
  dispatcher: Dispatcher;
  /** The projected ServiceAccount token (audience agent-governor), read per request; none: no header. */
  token?: () => Promise<string | undefined>;
  /** Longest wait for an answer before the ask counts as failed (slow); default 1 s. */
  timeoutMs?: number;
  /** A slow request is given up (its connection closed) when its answer's head, or a pause in its body, takes longer; default 10 s. */
  abandonAfterMs?: number;
}

export type LeaseOutcome =
  | { kind: 'answered'; answer: BudgetLeaseAnswer }
  /** The services keep no lease books (501): keep counting locally, ask again much later. */
  | { kind: 'unsupported'; message: string }
  /**
   * `away`: the services or their store said they cannot answer (503, a refused or reset connection);
   * otherwise they were slow (a timeout) or answered something else.
   */
  | {
      kind: 'failed';
      error: Error;
      away: boolean;
      status?: number;
      /** Slow: the request still runs, and this is its outcome when it ends (never itself late). */
      late?: Promise<LeaseOutcome>;
    };

/** Asks whose answer's head (or a pause in its body) takes longer are given up by default (the connection is closed then). */
export const ABANDON_AFTER_MS = 10_000;

/**
 * POST /v1/budget-leases: the outcome within `timeoutMs`; past it, a slow failure whose `late`
 * promise brings the outcome of the request still running.
 */
export function requestBudgetLeases(
  transport: LeaseTransport,
  lease: BudgetLeaseRequest,
): Promise<LeaseOutcome> {
  const timeout = transport.timeoutMs ?? 1_000;
  const sent = sendLeaseRequest(transport, lease);
  return new Promise<LeaseOutcome>((resolve) => {
    const slow = setTimeout(
      () =>
        resolve({
          kind: 'failed',
          away: false,
          error: new Error(
            `POST ${leaseUrl(transport)}: no answer within ${timeout} ms (the answer is still awaited and used when it comes)`,
          ),
          late: sent,
        }),
      timeout,
    );
    void sent.then((outcome) => {
      clearTimeout(slow);
      resolve(outcome);
    });
  });
}

function leaseUrl(transport: LeaseTransport): string {
  return `${transport.servicesUrl.replace(/\/+$/, '')}${BUDGET_LEASES_PATH}`;
}

/** The request itself, given up only after `abandonAfterMs`. */
async function sendLeaseRequest(transport: LeaseTransport, lease: BudgetLeaseRequest): Promise<LeaseOutcome> {
  const timeout = Math.max(transport.abandonAfterMs ?? ABANDON_AFTER_MS, transport.timeoutMs ?? 1_000);
  const url = leaseUrl(transport);
  try {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    const token = await transport.token?.();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    const response = await request(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(lease),
      dispatcher: transport.dispatcher,
      // undici's own timeouts, no AbortSignal: a request aborted while it waits for a connection
      // being made left undici's pool without connections for good (bench:scale at 10,000 holders:
      // 10,000 asks pending, none connected; ADR 0072).
      headersTimeout: timeout,
      bodyTimeout: timeout,
    });
    const text = await response.body.text();
    if (response.statusCode === 501) return { kind: 'unsupported', message: errorMessage(text) };
    if (response.statusCode !== 200) {
      return {
        kind: 'failed',
        away: response.statusCode === 503,
        status: response.statusCode,
        error: new Error(`POST ${url} answered ${response.statusCode}: ${errorMessage(text)}`),
      };
    }
    const parsed = budgetLeaseAnswer.safeParse(JSON.parse(text));
    if (!parsed.success) {
      return {
        kind: 'failed',
        away: false,
        error: new Error(`POST ${url}: the answer is not a budget lease answer: ${text.slice(0, 300)}`),
      };
    }
    return { kind: 'answered', answer: parsed.data };
  } catch (err) {
    const name = (err as Error).name;
    return {
      kind: 'failed',
      away:
        name !== 'TimeoutError' &&
        name !== 'AbortError' &&
        !(err as { code?: string }).code?.includes('TIMEOUT'),
      error: new Error(`POST ${url}: ${(err as Error).message}`),
    };
  }
}

function errorMessage(text: string): string {
  try {
    const message = (JSON.parse(text) as { error?: { message?: unknown } }).error?.message;
    if (typeof message === 'string') return message;
  } catch {
    // not the services' error shape: show the text
  }
  return text.slice(0, 300);
}
