import { readFile } from 'node:fs/promises';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import type { CircuitReport, UsageAck, UsageBatch, UsageEntry } from '../../apis/usage-batch.js';
import { operatorConnector } from '../http/operator-trust.js';
import { Agent, request } from '../http/undici-parts.js';
import { backoffDelay } from '../routing/backoff.js';
import { reportCircuits } from './circuit-report.js';
import { type DeliveryOutcome, deliveryOutcome } from './delivery-outcome.js';
import type { UsageRecorder } from './usage-recorder.js';
import { UsageSpool } from './usage-spool.js';

export interface UsageReporterOptions {
  spoolDir: string;
  /** The operator's base URL; without it the reporter drains the recorder and sends nothing (standalone). */
  operatorUrl?: string;
  /** PEM bundle the operator's HTTPS certificate is verified against (re-read per connection). */
  operatorCaFile?: string;
  /** Projected ServiceAccount token, re-read before every send so rotation needs no restart. */
  tokenFile?: string;
  agent: { namespace: string; name: string };
  recorder: UsageRecorder;
  /** How often recorded usage becomes a batch; default 2 s. */
  flushIntervalMs?: number;
  now?: () => number;
  /** Backoff between failed sends: first delay and cap; default 500 ms and 30 s. */
  retry?: { baseMs?: number; maxMs?: number };
  /** Longest one send may take; default 10 s. */
  requestTimeoutMs?: number;
  /**
   * How long stop() keeps trying to deliver what is spooled before leaving it for the next start;
   * default 1 s. In a pod the injector sets it from the pod's termination grace period
   * (docs/adr/0044-usage-delivery-within-the-grace-period.md): the spool is an emptyDir, so what is
   * left is lost with the pod.
   */
  stopDeliveryMs?: number;
  /** The sidecar's circuits now, carried by batches (see `reportCircuits`); absent: none reported. */
  circuits?: () => CircuitReport | undefined;
  onError?: (error: Error) => void;
  onAcknowledged?: (batch: UsageBatch, ack: UsageAck) => void;
}

/** Most entries in one batch (the schema's bound). */
const MAX_ENTRIES = 10_000;
/** While stopping, a failed send is tried again after at most this long (the operator may be back any moment). */
const STOPPING_RETRY_MAX_MS = 500;
/** With this many batches unsent, recorded usage stays in memory and is spooled at most once a minute. */
const BACKLOG = 20;
const BACKLOG_SPOOL_INTERVAL_MS = 60_000;

/**
 * Delivers usage to the operator (ARCHITECTURE.md, "Operator ↔ sidecar contract"): every flush interval
 * the recorder is drained into a batch with this spool's instance id and the next sequence, the
 * batch is written to the spool, and only then sent. Batches go one at a time in sequence order;
 * a batch leaves the spool only when a 200 ack covers it, so a crash, an operator outage or a lost
 * answer means a resend that the operator de-duplicates — no usage lost, none counted twice.
 * On start the spool left by a previous run is replayed first.
 */
export class UsageReporter {
  private readonly spool: UsageSpool;
  private readonly now: () => number;
  private readonly queue: number[] = [];
  private agent: Agent | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private sender: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly abort = new AbortController();
  /** Aborted when stopping begins: a backoff wait in progress ends, and later ones are short. */
  private readonly stopRequested = new AbortController();
  private started = false;
  private stopping: Promise<void> | undefined;
  private stopped = false;
  private lastSpoolAt = 0;
  private lastCircuits: CircuitReport | undefined;

  constructor(private readonly options: UsageReporterOptions) {
    this.spool = new UsageSpool(options.spoolDir);
    this.now = options.now ?? Date.now;
  }

  /** The instance id batches carry (empty before start, and in standalone mode). */
  get instance(): string {
    return this.spool.instance;
  }

  /** Batches spooled and not yet acknowledged. */
  get pending(): number {
    return this.queue.length;
  }

  async start(): Promise<void> {
    if (this.options.operatorUrl) {
      try {
        await this.spool.open();
        this.queue.push(...(await this.spool.pendingSequences()));
      } catch (error) {
        throw new Error(
          `cannot use the usage spool directory ${this.options.spoolDir}: ${(error as Error).message}`,
        );
      }
      this.agent = new Agent({
        keepAliveTimeout: 10_000,
        connections: 2,
        ...(this.options.operatorCaFile ? { connect: operatorConnector(this.options.operatorCaFile) } : {}),
      });
      this.sender = this.send();
    }
    this.timer = setInterval(() => void this.flush(), this.options.flushIntervalMs ?? 2_000);
    this.timer.unref();
    this.started = true;
  }

  /** Turns what is recorded into a spooled batch now and wakes the sender. */
  flush(force = false): Promise<void> {
    this.flushing = this.flushing.then(() => this.spoolRecorded(force)).catch((error) => this.report(error));
    return this.flushing;
  }

  /**
   * Spools what is recorded, keeps trying to deliver the spool for `deliveryMs` (default the
   * `stopDeliveryMs` option) — retrying at least every 500 ms, so an operator that comes back within
   * it gets everything — and leaves the rest for the next start.
   */
  stop(deliveryMs?: number): Promise<void> {
    if (!this.started) return Promise.resolve();
    this.stopping ??= this.shutdown(deliveryMs ?? this.options.stopDeliveryMs ?? 1_000);
    return this.stopping;
  }

  private async shutdown(deliveryMs: number): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.stopRequested.abort();
    await this.flush(true);
    if (this.sender) {
      const deadline = performance.now() + deliveryMs;
      while (this.queue.length > 0 && performance.now() < deadline) await delay(10);
    }
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.sender;
    await this.agent?.close();
  }

  private async spoolRecorded(force: boolean): Promise<void> {
    if (!this.options.operatorUrl) {
      this.options.recorder.drain();
      return;
    }
    const backlogged =
      this.queue.length >= BACKLOG && this.now() - this.lastSpoolAt < BACKLOG_SPOOL_INTERVAL_MS;
    if (backlogged && !force) return;
    const entries = this.options.recorder.drain();
    const report = this.options.circuits?.();
    const withCircuits = reportCircuits({ report, hasUsage: entries.length > 0, last: this.lastCircuits });
    if (withCircuits) this.lastCircuits = report;
    if (entries.length === 0 && withCircuits && report) {
      await this.append([], report);
      return;
    }
    for (let from = 0; from < entries.length; from += MAX_ENTRIES) {
      await this.append(entries.slice(from, from + MAX_ENTRIES), withCircuits ? report : undefined);
    }
  }

  private async append(entries: UsageEntry[], circuits?: CircuitReport): Promise<void> {
    const batch = await this.spool.append({
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'UsageBatch',
      agent: { namespace: this.options.agent.namespace, name: this.options.agent.name },
      sentAt: new Date(this.now()).toISOString(),
      entries,
      ...(circuits ? { circuits } : {}),
    });
    this.lastSpoolAt = this.now();
    this.queue.push(batch.sequence);
    this.wake?.();
  }

  /** The sender: oldest batch first, one at a time, until stopped. */
  private async send(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const sequence = this.queue[0];
      if (sequence === undefined) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
        });
        this.wake = undefined;
        continue;
      }
      let batch: UsageBatch;
      try {
        batch = await this.spool.read(sequence);
      } catch (error) {
        this.queue.shift();
        const aside = await this.spool.reject(sequence).catch(() => undefined);
        this.report(new Error(`${(error as Error).message}; set aside${aside ? ` as ${aside}` : ''}`));
        continue;
      }
      const outcome = await this.post(batch);
      if (this.stopped) return;
      if (outcome.kind === 'acknowledged') {
        failures = 0;
        while (this.queue.length > 0 && this.queue[0]! <= outcome.ack.acknowledgedSequence) {
          await this.spool.remove(this.queue.shift()!);
        }
        this.options.onAcknowledged?.(batch, outcome.ack);
      } else if (outcome.kind === 'rejected') {
        this.queue.shift();
        const aside = await this.spool.reject(sequence);
        this.report(
          new Error(
            `usage batch ${sequence} of instance ${batch.instance} set aside as ${aside}: ${outcome.reason}`,
          ),
        );
      } else {
        failures++;
        const retry = this.options.retry ?? {};
        let wait = outcome.afterMs ?? backoffDelay(failures - 1, retry.baseMs ?? 500, retry.maxMs ?? 30_000);
        const stopping = this.stopRequested.signal.aborted;
        if (stopping) wait = Math.min(wait, STOPPING_RETRY_MAX_MS);
        this.report(
          new Error(
            `usage batch ${sequence} not delivered to ${this.options.operatorUrl} (${outcome.reason}); retrying in ${wait} ms`,
          ),
        );
        // Before stopping, a stop cuts a long backoff short; once stopping, waits are short anyway.
        await delay(wait, this.abort.signal, ...(stopping ? [] : [this.stopRequested.signal]));
      }
    }
  }

  private async post(batch: UsageBatch): Promise<DeliveryOutcome> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.options.tokenFile) {
      try {
        headers.authorization = `Bearer ${(await readFile(this.options.tokenFile, 'utf8')).trim()}`;
      } catch (error) {
        return {
          kind: 'retry',
          reason: `cannot read the token file ${this.options.tokenFile}: ${(error as Error).message}`,
        };
      }
    }
    const timeout = this.options.requestTimeoutMs ?? 10_000;
    const agent = this.agent;
    if (!agent) return { kind: 'retry', reason: 'the usage reporter is not started' };
    try {
      const response = await request(`${this.options.operatorUrl!.replace(/\/+$/, '')}${USAGE_PATH}`, {
        method: 'POST',
        headers,
        body: JSON.stringify(batch),
        dispatcher: agent,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        signal: this.abort.signal,
      });
      const body = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return deliveryOutcome(
        batch.sequence,
        response.statusCode,
        body,
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        this.now(),
      );
    } catch (error) {
      return { kind: 'retry', reason: `connection failed: ${(error as Error).message}` };
    }
  }

  private report(error: unknown): void {
    this.options.onError?.(error instanceof Error ? error : new Error(String(error)));
  }
}

/** Waits `ms`, or less when one of the signals fires (or has fired) meanwhile. */
function delay(ms: number, ...signals: AbortSignal[]): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', done);
      resolve();
    }
    for (const s of signals) s.addEventListener('abort', done, { once: true });
  });
}
