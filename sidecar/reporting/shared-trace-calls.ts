import { readFile } from 'node:fs/promises';
import { TRACE_CALLS_PATH } from '../../apis/sidecar-protocol.js';
import { type TraceCallCount, traceCallCount } from '../../apis/trace-call-count.js';
import type { TraceTake } from '../budget/gate-verdict.js';
import { operatorConnector } from '../http/operator-trust.js';
import { Agent, request } from '../http/undici-parts.js';

export interface SharedTraceCallsOptions {
  operatorUrl: string;
  /** PEM CA bundle the operator's HTTPS services are verified against (as the usage reporter's). */
  operatorCaFile?: string;
  agent: { namespace: string; name: string };
  /** Projected ServiceAccount token; re-read at most every `tokenRereadMs` (the kubelet rotates it well before it expires). */
  tokenFile?: string;
  tokenRereadMs?: number;
  /** Longest a take may wait for the operator before the call goes on with the local count; default 250 ms. */
  timeoutMs?: number;
  /** After a failed take, calls use the local count for this long before the operator is asked again; default 5 s. */
  pauseAfterFailureMs?: number;
  now?: () => number;
  onError?: (error: Error) => void;
}

/**
 * Calls per trace counted across all pods of the agent (docs/adr/0042-calls-per-trace-across-pods.md):
 * one POST to the operator's sidecar services per admitted call of the agent's own trace while a
 * limit applies, answering the trace's calls in every pod. Fails open: when the operator cannot
 * answer in time (down, a follower, an error), `take` resolves `undefined` and the call goes on under
 * this sidecar's own count; the operator is then left alone for `pauseAfterFailureMs`, so an outage
 * adds at most one timeout per pause, not one per call.
 */
export class SharedTraceCalls {
  private readonly dispatcher: Agent;
  private readonly url: string;
  private readonly now: () => number;
  private pausedUntil = 0;
  private token: { value: string; readAt: number } | undefined;

  constructor(private readonly options: SharedTraceCallsOptions) {
    const { namespace, name } = options.agent;
    this.url = `${options.operatorUrl.replace(/\/+$/, '')}${TRACE_CALLS_PATH}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
    this.now = options.now ?? Date.now;
    this.dispatcher = new Agent({
      keepAliveTimeout: 30_000,
      connections: 4,
      ...(options.operatorCaFile ? { connect: operatorConnector(options.operatorCaFile) } : {}),
    });
  }

  /** The trace's calls across the agent's pods with this one counted (or refused), or undefined: use the local count. */
  async take(take: TraceTake): Promise<TraceCallCount | undefined> {
    if (this.now() < this.pausedUntil) return undefined;
    const timeout = this.options.timeoutMs ?? 250;
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const token = await this.readToken();
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      const response = await request(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ traceId: take.traceId, limit: take.limit, seen: take.seen }),
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: AbortSignal.timeout(timeout),
      });
      const text = await response.body.text();
      if (response.statusCode !== 200) {
        throw new Error(`the operator answered ${response.statusCode}: ${text.slice(0, 300)}`);
      }
      const parsed = traceCallCount.safeParse(JSON.parse(text));
      if (!parsed.success)
        throw new Error(`the operator's answer is not a trace call count: ${text.slice(0, 300)}`);
      return parsed.data;
    } catch (error) {
      this.pausedUntil = this.now() + (this.options.pauseAfterFailureMs ?? 5_000);
      this.options.onError?.(
        new Error(
          `calls of trace ${take.traceId} not counted across pods (${(error as Error).message}); ` +
            `this sidecar's own count decides for the next ${this.options.pauseAfterFailureMs ?? 5_000} ms`,
        ),
      );
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  private async readToken(): Promise<string | undefined> {
    const file = this.options.tokenFile;
    if (file === undefined) return undefined;
    const now = this.now();
    if (this.token && now - this.token.readAt < (this.options.tokenRereadMs ?? 30_000))
      return this.token.value;
    const value = (await readFile(file, 'utf8')).trim();
    this.token = { value, readAt: now };
    return value;
  }
}
