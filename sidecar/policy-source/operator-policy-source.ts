import { readFile } from 'node:fs/promises';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { LONG_POLL_SECONDS, POLICY_PATH } from '../../apis/sidecar-protocol.js';
import { operatorConnector } from '../http/operator-trust.js';
import { Agent, request } from '../http/undici-parts.js';
import { backoffDelay, retryAfterMs } from '../routing/backoff.js';
import { policyFromFile, policyFromJson } from './policy-document.js';
import type { PolicySource } from './policy-source.js';
import { isWatchAnswer, WatchLineTooLong, watchLines } from './watch-lines.js';

export interface OperatorPolicySourceOptions {
  operatorUrl: string;
  /** PEM bundle the operator's HTTPS certificate is verified against (re-read per connection). */
  operatorCaFile?: string;
  agent: { namespace: string; name: string };
  /** Projected ServiceAccount token, re-read before every request so rotation needs no restart. */
  tokenFile?: string;
  /** The operator's ConfigMap mirror of this agent's policy (JSON or YAML), for a start without the operator. */
  fallbackFile?: string;
  /** Problems that change nothing: an unreachable operator, a bad answer, a listener that threw. */
  onError?: (err: Error) => void;
  /** How long start() keeps trying the operator when there is no usable fallback file; default 10 s. */
  startTimeoutMs?: number;
  /** Backoff between failed polls: first delay and cap; default 200 ms and 5 s. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Longest a poll may go unanswered; default the protocol's long-poll time plus 15 s. */
  requestTimeoutMs?: number;
}

type Poll =
  | { kind: 'changed'; policy: EffectivePolicy }
  | { kind: 'unchanged' }
  | { kind: 'failed'; error: Error; afterMs?: number };

/** The longest line a policy watch may send: a policy is far smaller; past it the stream is dropped. */
const MAX_WATCH_LINE_CHARS = 16 * 1024 * 1024;

/**
 * The effective policy from the operator, xDS-style: `GET /v1/policies/{ns}/{agent}?after=<version>`
 * answers as soon as the version changes, so a budget crossing reaches the next request within the
 * round trip. After the first policy the source watches (`&watch=true`): one held stream brings
 * every version as a line, and ends after the long-poll time, when it is asked again with a fresh
 * token; services that answer a plain poll instead are followed by polling
 * (docs/adr/0075-policy-watch-stream.md). Fail-static: when the operator cannot be reached at start, the mounted ConfigMap
 * mirror is used; when it goes away later, the last known policy stays. Every answer is validated;
 * a bad one is reported and the policy in force stays. Polls reconnect with jittered backoff.
 */
export class OperatorPolicySource implements PolicySource {
  private policy: EffectivePolicy | undefined;
  private readonly listeners = new Set<(policy: EffectivePolicy) => void>();
  private readonly abort = new AbortController();
  private readonly dispatcher: Agent;
  private loop: Promise<void> | undefined;
  private stopped = false;
  private stopping: Promise<void> | undefined;
  private readonly url: string;

  constructor(private readonly options: OperatorPolicySourceOptions) {
    this.dispatcher = new Agent({
      keepAliveTimeout: 60_000,
      connections: 1,
      ...(options.operatorCaFile ? { connect: operatorConnector(options.operatorCaFile) } : {}),
    });
    const { namespace, name } = options.agent;
    this.url = `${options.operatorUrl.replace(/\/+$/, '')}${POLICY_PATH}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}`;
  }

  current(): EffectivePolicy {
    if (!this.policy) {
      throw new Error(`no policy for agent ${this.agentName} yet: call start() and wait for it first`);
    }
    return this.policy;
  }

  onChange(listener: (policy: EffectivePolicy) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves with the operator's policy, or — when the operator cannot give one — with the fallback
   * file's; then keeps long-polling. Rejects when neither can be had within startTimeoutMs.
   */
  async start(): Promise<void> {
    const deadline = performance.now() + (this.options.startTimeoutMs ?? 10_000);
    let fallbackProblem: string | undefined;
    let failures = 0;
    for (;;) {
      // The first answer comes at once (no `after`); a hung operator must not hold start-up.
      const poll = await this.poll(
        undefined,
        Math.round(Math.max(100, Math.min(3_000, deadline - performance.now()))),
      );
      if (poll.kind === 'changed') {
        this.apply(poll.policy);
        break;
      }
      const operatorProblem = poll.kind === 'failed' ? poll.error.message : 'the operator sent no policy';
      if (failures === 0 && this.options.fallbackFile) {
        const fallback = await policyFromFile(this.options.fallbackFile, this.options.agent);
        if (fallback.ok) {
          this.apply(fallback.policy);
          this.report(
            new Error(
              `${operatorProblem}; started from the fallback policy ${this.options.fallbackFile} at version ${fallback.policy.version}`,
            ),
          );
          break;
        }
        fallbackProblem = fallback.message;
      }
      if (this.stopped || performance.now() >= deadline) {
        // Nothing keeps running after a failed start: no poll, no keep-alive socket.
        this.stopping = this.dispatcher.destroy();
        await this.stopping;
        throw new Error(
          `no policy for agent ${this.agentName}: the operator at ${this.options.operatorUrl} gave none (${operatorProblem})` +
            (this.options.fallbackFile
              ? ` and the fallback file is unusable (${fallbackProblem})`
              : ' and no fallback file is configured'),
        );
      }
      await this.pause(poll, failures++);
    }
    this.loop = this.follow();
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.stopped = true;
      this.abort.abort();
      await this.loop;
      await this.dispatcher.close();
    })();
    return this.stopping;
  }

  private get agentName(): string {
    return `${this.options.agent.namespace}/${this.options.agent.name}`;
  }

  /** Watches (or long-polls) for changes until stopped. */
  private async follow(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const poll = await this.poll(this.policy?.version, undefined, true);
      if (this.stopped) return;
      if (poll.kind === 'changed') {
        failures = 0;
        if (poll.policy.version !== this.policy?.version) this.apply(poll.policy);
      } else if (poll.kind === 'unchanged') {
        failures = 0;
      } else {
        this.report(poll.error);
        await this.pause(poll, failures++);
      }
    }
  }

  /**
   * One poll, or with `watch` one watch: its lines applied as they come, 'unchanged' when it ends
   * (ask again), 'failed' at a bad line or a broken stream (the policy in force stays).
   */
  private async poll(after: string | undefined, limitMs?: number, watch = false): Promise<Poll> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.options.tokenFile) {
      try {
        headers.authorization = `Bearer ${(await readFile(this.options.tokenFile, 'utf8')).trim()}`;
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        return {
          kind: 'failed',
          error: new Error(`cannot read the token file ${this.options.tokenFile}: ${reason}`),
        };
      }
    }
    const query = [
      ...(after === undefined ? [] : [`after=${encodeURIComponent(after)}`]),
      ...(watch ? ['watch=true'] : []),
    ];
    const url = query.length === 0 ? this.url : `${this.url}?${query.join('&')}`;
    const timeout = this.options.requestTimeoutMs ?? LONG_POLL_SECONDS * 1000 + 15_000;
    try {
      const response = await request(url, {
        method: 'GET',
        headers,
        dispatcher: this.dispatcher,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal:
          limitMs === undefined
            ? this.abort.signal
            : AbortSignal.any([this.abort.signal, AbortSignal.timeout(limitMs)]),
      });
      if (response.statusCode === 200 && isWatchAnswer(response.headers['content-type'])) {
        return await this.readWatch(response.body);
      }
      const body = await response.body.text();
      if (response.statusCode === 304) return { kind: 'unchanged' };
      if (response.statusCode === 200) {
        const reading = policyFromJson(
          body,
          `policy answer from ${this.options.operatorUrl}`,
          this.options.agent,
        );
        return reading.ok
          ? { kind: 'changed', policy: reading.policy }
          : { kind: 'failed', error: new Error(reading.message) };
      }
      const detail = errorMessage(body);
      const error = new Error(
        `the operator at ${this.options.operatorUrl} answered ${response.statusCode} for the policy of ${this.agentName}` +
          (detail ? `: ${detail}` : ''),
      );
      const afterMs = response.statusCode === 503 ? retryAfterMs(response.headers['retry-after']) : undefined;
      return afterMs === undefined ? { kind: 'failed', error } : { kind: 'failed', error, afterMs };
    } catch (error) {
      return {
        kind: 'failed',
        error: new Error(
          `cannot reach the operator at ${this.options.operatorUrl}: ${(error as Error).message}`,
        ),
      };
    }
  }

  /** Applies each version a watch streams, until it ends. */
  private async readWatch(
    body: AsyncIterable<string> & { setEncoding(encoding: 'utf8'): unknown },
  ): Promise<Poll> {
    body.setEncoding('utf8');
    try {
      for await (const line of watchLines(body, MAX_WATCH_LINE_CHARS)) {
        const reading = policyFromJson(
          line,
          `policy stream from ${this.options.operatorUrl}`,
          this.options.agent,
        );
        // Leaving the loop ends the stream: its body is destroyed.
        if (!reading.ok) return { kind: 'failed', error: new Error(reading.message) };
        if (reading.policy.version !== this.policy?.version) this.apply(reading.policy);
      }
    } catch (error) {
      if (!(error instanceof WatchLineTooLong)) throw error;
      return {
        kind: 'failed',
        error: new Error(
          `the policy stream from ${this.options.operatorUrl} sent a line of more than ${MAX_WATCH_LINE_CHARS} characters for ${this.agentName}; dropped it`,
        ),
      };
    }
    return { kind: 'unchanged' };
  }

  private apply(policy: EffectivePolicy): void {
    this.policy = policy;
    for (const listener of this.listeners) {
      try {
        listener(policy);
      } catch (error) {
        this.report(new Error(`a listener of policy ${policy.version} failed: ${(error as Error).message}`));
      }
    }
  }

  private pause(poll: Poll, failures: number): Promise<void> {
    const retry = this.options.retry ?? {};
    const maxMs = retry.maxMs ?? 5_000;
    const ms =
      poll.kind === 'failed' && poll.afterMs !== undefined
        ? Math.min(poll.afterMs, maxMs * 4)
        : backoffDelay(failures, retry.baseMs ?? 200, maxMs);
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      if (signal.aborted) return resolve();
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private report(error: Error): void {
    this.options.onError?.(error);
  }
}

function errorMessage(body: string): string | undefined {
  try {
    const message = (JSON.parse(body) as { error?: { message?: unknown } }).error?.message;
    return typeof message === 'string' ? message.slice(0, 300) : undefined;
  } catch {
    return body.trim().slice(0, 120) || undefined;
  }
}
