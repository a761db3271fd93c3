// The gateway's pipelines, one per agent it has seen (sidecar/agent-pipeline.ts: policy long-poll,
// gate, cache, circuits, metrics labelled by agent, usage spool and reporter), started on the first
// authenticated call and closed — usage delivered — after `idleMs` without a call, at most
// `maxAgents` at once. Each acts toward the operator with its agent's own token, the latest the agent
// sent, kept in a file of its spool directory (mode 0600): the gateway holds no power of its own
// over an agent's policy or ledger (docs/adr/0059-gateway-mode.md).
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import {
  type AgentPipeline,
  type AgentPipelineOptions,
  startAgentPipeline,
} from '../sidecar/agent-pipeline.js';
import type { ServiceError } from '../sidecar-services/service-answer.js';
import type { AgentRef } from './agent-claim.js';

export interface AgentPipelinesOptions {
  operatorUrl: string;
  operatorCaFile?: string;
  /** Each agent's spool and token file go to `<spoolRoot>/<namespace>/<agent>/`. */
  spoolRoot: string;
  logger: Logger;
  /** Pipelines at once (default 1,000); past it the least recently used idle one is closed. */
  maxAgents?: number;
  /** A pipeline without a call for this long is closed (default 10 minutes). */
  idleMs?: number;
  flushIntervalMs?: number;
  maxBodyBytes?: number;
  dispatcher?: Dispatcher;
  env?: AgentPipelineOptions['env'];
  /** How a pipeline is started (default startAgentPipeline). */
  start?: (options: AgentPipelineOptions) => Promise<AgentPipeline>;
  now?: () => number;
}

interface Entry {
  agent: AgentRef;
  pipeline: Promise<AgentPipeline>;
  /** The pipeline once started: a call then gets it without waiting. */
  started?: AgentPipeline;
  dir: string;
  /** The token last written to `<dir>/token`, the writes in progress, and how many of them. */
  token: string;
  written: Promise<void>;
  writing: number;
  lastUsed: number;
  inFlight: number;
}

export type PipelineLease =
  | { ok: true; pipeline: AgentPipeline; release(): void }
  | { ok: false; error: ServiceError };

export class AgentPipelines {
  /** By `namespace/name`, in the order they were opened. */
  private readonly entries = new Map<string, Entry>();
  /** Pipelines being closed, by agent: one reporter per spool directory, so a reopen waits. */
  private readonly closing = new Map<string, Promise<void>>();
  private readonly sweeper: NodeJS.Timeout;
  private readonly now: () => number;
  /** Pipelines started and closed so far (for metrics and tests). */
  started = 0;
  closed = 0;

  constructor(private readonly options: AgentPipelinesOptions) {
    this.now = options.now ?? Date.now;
    const idleMs = options.idleMs ?? 600_000;
    this.sweeper = setInterval(() => this.closeIdle(), Math.max(250, Math.min(idleMs / 4, 30_000)));
    this.sweeper.unref();
  }

  /** Agents with a pipeline now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The agent's pipeline for one call (started if needed); `release()` when the call has ended. At
   * once (no promise) when the pipeline is started and the caller's token is the one on disk — every
   * call but an agent's first and those right after its token rotates.
   */
  acquire(agent: AgentRef, token: string): PipelineLease | Promise<PipelineLease> {
    const key = `${agent.namespace}/${agent.name}`;
    let entry = this.entries.get(key);
    if (!entry) {
      if (this.entries.size >= (this.options.maxAgents ?? 1_000) && !this.evictOne()) {
        return {
          ok: false,
          error: {
            status: 503,
            code: 'unavailable',
            message: `the gateway serves ${this.entries.size} agents with calls in flight, its limit; retry, or run more gateway replicas`,
            retryAfterSeconds: 1,
          },
        };
      }
      entry = this.open(agent, key, token);
      this.entries.set(key, entry);
    }
    entry.lastUsed = this.now();
    entry.inFlight++;
    if (token !== entry.token) {
      // A newer token (the kubelet rotates it): the next policy poll and usage report send it.
      entry.token = token;
      const dir = entry.dir;
      const held = entry;
      held.writing++;
      entry.written = entry.written
        .then(() => writeToken(dir, token))
        .catch(() => undefined)
        .finally(() => {
          held.writing--;
        });
    }
    if (entry.started && entry.writing === 0) return new Lease(entry, entry.started, this.now);
    return this.whenStarted(key, entry);
  }

  /** The lease once the pipeline has started and the caller's token is on disk; a 503 if it cannot start. */
  private async whenStarted(key: string, entry: Entry): Promise<PipelineLease> {
    try {
      const pipeline = await entry.pipeline;
      // Rare (the kubelet rotates hourly): the new token is on disk before the call goes on.
      await entry.written;
      return new Lease(entry, pipeline, this.now);
    } catch (err) {
      entry.inFlight--;
      entry.lastUsed = this.now();
      if (this.entries.get(key) === entry) this.entries.delete(key);
      return {
        ok: false,
        error: {
          status: 503,
          code: 'unavailable',
          message: `the policy of agent ${key} cannot be had now (${(err as Error).message}); retry`,
          retryAfterSeconds: 2,
        },
      };
    }
  }

  /** Every pipeline's metrics text, each labelled with its agent. */
  async scrapes(): Promise<string[]> {
    const texts: string[] = [];
    for (const entry of this.entries.values()) {
      const pipeline = await entry.pipeline.catch(() => undefined);
      if (pipeline) texts.push((await pipeline.scrape()).body);
    }
    return texts;
  }

  /** Closes pipelines idle for `idleMs` (their usage delivered first). */
  closeIdle(): void {
    const before = this.now() - (this.options.idleMs ?? 600_000);
    for (const [key, entry] of this.entries) {
      if (entry.inFlight === 0 && entry.lastUsed <= before) this.closeEntry(key, entry);
    }
  }

  /** Closes every pipeline, delivering its usage within `deliverWithinMs` when given. */
  async close(deliverWithinMs?: number): Promise<void> {
    clearInterval(this.sweeper);
    for (const [key, entry] of this.entries) this.closeEntry(key, entry, deliverWithinMs);
    await Promise.all(this.closing.values());
  }

  private open(agent: AgentRef, key: string, token: string): Entry {
    const dir = join(this.options.spoolRoot, agent.namespace, agent.name);
    const previous = this.closing.get(key) ?? Promise.resolve();
    const written = previous.then(() => writeToken(dir, token));
    const registry = new Registry();
    registry.setDefaultLabels({ agent: key });
    const start = this.options.start ?? startAgentPipeline;
    const pipeline = written.then(() =>
      start({
        agent,
        operatorUrl: this.options.operatorUrl,
        ...(this.options.operatorCaFile ? { operatorCaFile: this.options.operatorCaFile } : {}),
        tokenFile: join(dir, 'token'),
        spoolDir: dir,
        logger: this.options.logger.child({ agent: key }),
        registry,
        processMetrics: false,
        ...(this.options.flushIntervalMs ? { flushIntervalMs: this.options.flushIntervalMs } : {}),
        ...(this.options.maxBodyBytes ? { maxBodyBytes: this.options.maxBodyBytes } : {}),
        ...(this.options.dispatcher ? { dispatcher: this.options.dispatcher } : {}),
        ...(this.options.env ? { env: this.options.env } : {}),
      }),
    );
    const entry: Entry = {
      agent,
      pipeline,
      dir,
      token,
      written,
      writing: 0,
      lastUsed: this.now(),
      inFlight: 0,
    };
    pipeline.then(
      (started) => {
        entry.started = started;
        this.started++;
        this.options.logger.info({ agent: key, agents: this.entries.size }, 'agent pipeline started');
      },
      (err: Error) => this.options.logger.warn({ agent: key, error: err.message }, 'agent pipeline failed'),
    );
    return entry;
  }

  /** Closes the least recently used idle pipeline; false when every one has calls in flight. */
  private evictOne(): boolean {
    let oldest: [string, Entry] | undefined;
    for (const pair of this.entries) {
      if (pair[1].inFlight === 0 && (!oldest || pair[1].lastUsed < oldest[1].lastUsed)) oldest = pair;
    }
    if (!oldest) return false;
    this.closeEntry(oldest[0], oldest[1]);
    return true;
  }

  private closeEntry(key: string, entry: Entry, deliverWithinMs?: number): void {
    this.entries.delete(key);
    const done = entry.pipeline
      .then((pipeline) => pipeline.close(deliverWithinMs))
      .then(
        () => {
          this.closed++;
          this.options.logger.info({ agent: key }, 'agent pipeline closed');
        },
        () => undefined,
      )
      .finally(() => {
        if (this.closing.get(key) === done) this.closing.delete(key);
      });
    this.closing.set(key, done);
  }
}

/** One call's hold on its agent's pipeline: the pipeline is not closed as idle until `release()`. */
class Lease {
  readonly ok = true;
  private released = false;

  constructor(
    private readonly entry: Entry,
    readonly pipeline: AgentPipeline,
    private readonly now: () => number,
  ) {}

  /** The call has ended; a second call changes nothing. */
  release(): void {
    if (this.released) return;
    this.released = true;
    this.entry.inFlight--;
    this.entry.lastUsed = this.now();
  }
}

/** Writes the agent's token where its pipeline reads it, replacing the old one in one rename. */
async function writeToken(dir: string, token: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = join(dir, `.token-${process.pid}-${Math.random().toString(36).slice(2)}`);
  await writeFile(temp, token, { mode: 0o600 });
  await rename(temp, join(dir, 'token'));
}
