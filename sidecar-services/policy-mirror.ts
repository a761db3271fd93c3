// Writes every published policy into its agent's ConfigMap mirror (policy-config-map.ts): at most
// once per debounce interval per agent — usage counters alone only every countersDebounceMs
// (mirror-pacing.ts) — a bounded number at once, the latest version only, and only when the content
// differs. It never overwrites a newer version (a standby that briefly thought it led) nor a
// ConfigMap the operator does not manage, and deletes the mirror of a removed agent.
import type { Logger } from 'pino';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  POLICY_FILE_KEY,
  policyConfigMap,
  policyConfigMapName,
  policyInConfigMap,
} from '../agents/policy-config-map.js';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { isAlreadyExists, isConflict } from '../runtime/kube/api-error.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { type ConfigMap, configMaps } from '../runtime/kube/resources.js';
import { defaultMirrorPacing, type MirrorPacing, mirrorDelay, promptContent } from './mirror-pacing.js';
import type { PolicyStore } from './policy-store.js';
import { parsePolicyVersion } from './policy-version.js';

/** Mirror writes in flight at most, by default (the `concurrency` option). */
const MIRROR_WRITES_AT_ONCE = 16;

export type MirrorWrite = 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped' | 'failed';

export interface PolicyMirrorOptions {
  client: KubeClient;
  store: PolicyStore;
  /** Only the leader writes; a change seen by a follower is dropped (the leader publishes its own). */
  isLeader: () => boolean;
  logger: Logger;
  /** Least time between the starts of two writes of one agent's mirror; default 200 ms. */
  debounceMs?: number;
  /** Delay of a write that only moves usage counters (mirror-pacing.ts); default 30 s. */
  countersDebounceMs?: number;
  /** Attempts of one write before waiting `retryLaterMs`; default 5. */
  attempts?: number;
  /** Pause after a write failed every attempt; default 30 s. */
  retryLaterMs?: number;
  /**
   * Mirrors written at once; default 16. A cold start publishes every agent's policy together: a
   * write each at once would open as many connections to the API server (a thousand agents, a
   * thousand TLS connections) and starve the operator's other requests — among them the budget
   * status a crossing's sidecars wait for. A quarter of the API transport's 64 connections (ADR
   * 0024): with a services Deployment a crossing reaches the replicas only through the mirrors of
   * every agent the budget selects, written this many at a time (ADR 0076).
   */
  concurrency?: number;
  onWrite?: (result: MirrorWrite) => void;
}

interface AgentState {
  namespace: string;
  agent: string;
  timer: NodeJS.Timeout | undefined;
  /** performance.now() the timer fires at. */
  dueAt: number;
  running: Promise<void> | undefined;
  dirty: boolean;
  /** Due, waiting for a free write slot. */
  queued: boolean;
}

export class PolicyMirror {
  private readonly agents = new Map<string, AgentState>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private writing = 0;
  private readonly waiting: AgentState[] = [];
  /** promptContent of what each agent's mirror holds, as far as this process wrote or read it. */
  private readonly written = new Map<string, string>();
  /** Each mirror as this process last wrote it: the next write's base, instead of a read (a 409 makes it read). */
  private readonly lastWrites = new Map<string, ConfigMap>();
  /** performance.now() each agent's last write began, for the prompt pacing. */
  private readonly writeStarts = new Map<string, number>();
  private readonly pacing: MirrorPacing;

  constructor(private readonly options: PolicyMirrorOptions) {
    this.pacing = {
      promptMs: options.debounceMs ?? defaultMirrorPacing.promptMs,
      countersMs: options.countersDebounceMs ?? defaultMirrorPacing.countersMs,
    };
  }

  /** Follows the store; policies published before start are written too. */
  start(): void {
    this.unsubscribe = this.options.store.subscribe((change) => {
      if (change.type === 'published') this.schedule(change.policy.namespace, change.policy.agent);
      else this.schedule(change.namespace, change.agent);
    });
    for (const policy of this.options.store.all()) {
      if (policy.origin === 'published') this.schedule(policy.namespace, policy.agent);
    }
  }

  /** Writes what is pending now and waits (bounded) until nothing is pending or being written. */
  async flush(timeoutMs = 5_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (performance.now() < deadline) {
      for (const state of this.agents.values()) {
        if (state.timer) {
          clearTimeout(state.timer);
          state.timer = undefined;
          this.run(state);
        }
      }
      const running = [...this.agents.values()].flatMap((s) => (s.running ? [s.running] : []));
      // Waiting writes start as running ones finish.
      if (running.length === 0 && this.waiting.length === 0) return;
      await Promise.race([Promise.all(running), sleep(deadline - performance.now())]);
    }
  }

  /** Flushes (bounded) and stops following the store. */
  async stop(timeoutMs = 2_000): Promise<void> {
    this.unsubscribe?.();
    await this.flush(timeoutMs);
    this.stopped = true;
    for (const state of this.agents.values()) clearTimeout(state.timer);
  }

  private schedule(namespace: string, agent: string, delayMs?: number): void {
    if (this.stopped) return;
    const key = `${namespace}/${agent}`;
    let state = this.agents.get(key);
    if (!state) {
      state = {
        namespace,
        agent,
        timer: undefined,
        dueAt: 0,
        running: undefined,
        dirty: false,
        queued: false,
      };
      this.agents.set(key, state);
    }
    if (state.running) {
      state.dirty = true;
      return;
    }
    if (state.queued) return;
    const delay =
      delayMs ??
      mirrorDelay(this.written.get(key), this.options.store.get(namespace, agent)?.policy, this.pacing, {
        sinceWriteMs: performance.now() - (this.writeStarts.get(key) ?? Number.NEGATIVE_INFINITY),
        random: Math.random(),
      });
    const dueAt = performance.now() + delay;
    if (state.timer) {
      // A write of counters only waits; a change that matters does not wait behind it.
      if (dueAt >= state.dueAt) return;
      clearTimeout(state.timer);
    }
    const target = state;
    target.dueAt = dueAt;
    target.timer = setTimeout(() => {
      target.timer = undefined;
      this.run(target);
    }, delay);
    target.timer.unref();
  }

  private run(state: AgentState): void {
    if (state.running) {
      state.dirty = true;
      return;
    }
    if (this.writing >= (this.options.concurrency ?? MIRROR_WRITES_AT_ONCE)) {
      if (!state.queued) this.waiting.push(state);
      state.queued = true;
      return;
    }
    state.queued = false;
    state.dirty = false;
    this.writing++;
    this.writeStarts.set(`${state.namespace}/${state.agent}`, performance.now());
    state.running = this.write(state).finally(() => {
      this.writing--;
      state.running = undefined;
      if (state.dirty) this.schedule(state.namespace, state.agent);
      else if (!state.timer && !state.queued) this.agents.delete(`${state.namespace}/${state.agent}`);
      this.startWaiting();
    });
  }

  private startWaiting(): void {
    while (
      !this.stopped &&
      this.waiting.length > 0 &&
      this.writing < (this.options.concurrency ?? MIRROR_WRITES_AT_ONCE)
    ) {
      const next = this.waiting.shift() as AgentState;
      next.queued = false;
      this.run(next);
    }
  }

  private async write(state: AgentState): Promise<void> {
    const { logger } = this.options;
    const attempts = this.options.attempts ?? 5;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts && !this.stopped; attempt++) {
      if (!this.options.isLeader()) return this.report('skipped');
      try {
        const { result, holds } = await this.writeOnce(state.namespace, state.agent);
        this.notePacing(state, result, holds);
        return this.report(result);
      } catch (err) {
        lastError = err;
        this.lastWrites.delete(`${state.namespace}/${state.agent}`);
        // Someone wrote in between: read again at once. Anything else: back off a little.
        if (!isConflict(err) && !isAlreadyExists(err)) await sleep(Math.min(2_000, 100 * 2 ** attempt));
      }
    }
    this.report('failed');
    if (this.stopped) return;
    logger.error(
      { agent: `${state.namespace}/${state.agent}`, error: (lastError as Error)?.message },
      `cannot write the policy mirror ConfigMap ${state.namespace}/${policyConfigMapName(state.agent)}; ` +
        'sidecars starting without the operator would use an older policy; retrying later',
    );
    const retry = setTimeout(
      () => this.schedule(state.namespace, state.agent, 0),
      this.options.retryLaterMs ?? 30_000,
    );
    retry.unref();
  }

  /**
   * One write of an agent's mirror, and the policy the mirror holds after it (what was read, when
   * it was left alone). That is the policy of this write, not the store's latest: a publish while
   * the write was in flight must still count as a change, or its prompt write would wait as if it
   * only moved counters.
   */
  private async writeOnce(
    namespace: string,
    agent: string,
  ): Promise<{ result: MirrorWrite; holds?: EffectivePolicy }> {
    const { client, store, logger } = this.options;
    const name = policyConfigMapName(agent);
    const memoKey = `${namespace}/${agent}`;
    const existing = this.lastWrites.get(memoKey) ?? (await client.get(configMaps, { namespace, name }));
    const managed = existing?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
    const stored = store.get(namespace, agent);
    if (!stored || !managed) this.lastWrites.delete(memoKey);
    if (!stored) {
      if (!existing || !managed) return { result: 'unchanged' };
      const rv = existing.metadata?.resourceVersion;
      await client.delete(
        configMaps,
        { namespace, name },
        rv ? { preconditions: { resourceVersion: rv } } : {},
      );
      return { result: 'deleted' };
    }
    if (stored.origin === 'restored') return { result: 'unchanged' };
    const desired = policyConfigMap(stored.policy);
    if (!existing) {
      this.remember(memoKey, await client.create(configMaps, desired));
      return { result: 'created', holds: stored.policy };
    }
    if (!managed) {
      logger.error(
        { agent: `${namespace}/${agent}` },
        `ConfigMap ${namespace}/${name} exists but is not labelled ${MANAGED_BY_LABEL}=${MANAGED_BY}; ` +
          'the policy mirror does not overwrite it: delete or rename it',
      );
      return { result: 'skipped' };
    }
    const desiredText = desired.data?.[POLICY_FILE_KEY];
    const labelsMatch = Object.entries(desired.metadata?.labels ?? {}).every(
      ([label, value]) => existing.metadata?.labels?.[label] === value,
    );
    if (existing.data?.[POLICY_FILE_KEY] === desiredText && labelsMatch) {
      return { result: 'unchanged', holds: stored.policy };
    }
    const mirrored = policyInConfigMap(existing);
    if (mirrored.ok && (parsePolicyVersion(mirrored.policy.version) ?? 0) > stored.versionNumber) {
      // Written by a newer leader: keep it, and make sure our next version goes above it.
      this.lastWrites.delete(memoKey);
      store.restore(mirrored.policy);
      return { result: 'skipped' };
    }
    const updated: ConfigMap = {
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: { ...existing.metadata?.labels, ...desired.metadata?.labels },
      },
      data: { ...existing.data, ...desired.data },
    };
    this.remember(memoKey, await client.update(configMaps, updated));
    return { result: 'updated', holds: stored.policy };
  }

  /** The mirror as written (managedFields only cost memory), the base of the next write. */
  private remember(memoKey: string, written: ConfigMap): void {
    if (written.metadata?.managedFields) {
      const { managedFields: _dropped, ...metadata } = written.metadata;
      this.lastWrites.set(memoKey, { ...written, metadata });
    } else {
      this.lastWrites.set(memoKey, written);
    }
  }

  /** What the mirror holds now (`holds`, as written or found), for pacing the next write. */
  private notePacing(state: AgentState, result: MirrorWrite, holds: EffectivePolicy | undefined): void {
    const key = `${state.namespace}/${state.agent}`;
    // Forgetting only makes the next write prompt, the safe side.
    if (result === 'deleted' || !this.options.store.get(state.namespace, state.agent)) {
      this.written.delete(key);
      this.writeStarts.delete(key);
    } else if (holds) this.written.set(key, promptContent(holds));
  }

  private report(result: MirrorWrite): void {
    this.options.onWrite?.(result);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
