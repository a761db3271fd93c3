// Writes every published policy into its agent's ConfigMap mirror (policy-config-map.ts): at most
// once per debounce interval per agent, the latest version only, and only when the content
// differs. It never overwrites a newer version (a standby that briefly thought it led) nor a
// ConfigMap the operator does not manage, and deletes the mirror of a removed agent.
import type { Logger } from 'pino';
import { isAlreadyExists, isConflict } from '../kube/api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import { type ConfigMap, configMaps } from '../kube/resources.js';
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  POLICY_FILE_KEY,
  policyConfigMap,
  policyConfigMapName,
  policyInConfigMap,
} from './policy-config-map.js';
import type { PolicyStore } from './policy-store.js';
import { parsePolicyVersion } from './policy-version.js';

export type MirrorWrite = 'created' | 'updated' | 'unchanged' | 'deleted' | 'skipped' | 'failed';

export interface PolicyMirrorOptions {
  client: KubeClient;
  store: PolicyStore;
  /** Only the leader writes; a change seen by a follower is dropped (the leader publishes its own). */
  isLeader: () => boolean;
  logger: Logger;
  /** Least time between two writes of one agent's mirror; default 200 ms. */
  debounceMs?: number;
  /** Attempts of one write before waiting `retryLaterMs`; default 5. */
  attempts?: number;
  /** Pause after a write failed every attempt; default 30 s. */
  retryLaterMs?: number;
  onWrite?: (result: MirrorWrite) => void;
}

interface AgentState {
  namespace: string;
  agent: string;
  timer: NodeJS.Timeout | undefined;
  running: Promise<void> | undefined;
  dirty: boolean;
}

export class PolicyMirror {
  private readonly agents = new Map<string, AgentState>();
  private unsubscribe: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: PolicyMirrorOptions) {}

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
      if (running.length === 0) return;
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

  private schedule(namespace: string, agent: string, delayMs = this.options.debounceMs ?? 200): void {
    if (this.stopped) return;
    const key = `${namespace}/${agent}`;
    let state = this.agents.get(key);
    if (!state) {
      state = { namespace, agent, timer: undefined, running: undefined, dirty: false };
      this.agents.set(key, state);
    }
    if (state.running) {
      state.dirty = true;
      return;
    }
    if (state.timer) return;
    const target = state;
    target.timer = setTimeout(() => {
      target.timer = undefined;
      this.run(target);
    }, delayMs);
    target.timer.unref();
  }

  private run(state: AgentState): void {
    if (state.running) {
      state.dirty = true;
      return;
    }
    state.dirty = false;
    state.running = this.write(state).finally(() => {
      state.running = undefined;
      if (state.dirty) this.schedule(state.namespace, state.agent);
      else if (!state.timer) this.agents.delete(`${state.namespace}/${state.agent}`);
    });
  }

  private async write(state: AgentState): Promise<void> {
    const { logger } = this.options;
    const attempts = this.options.attempts ?? 5;
    let lastError: unknown;
    for (let attempt = 0; attempt < attempts && !this.stopped; attempt++) {
      if (!this.options.isLeader()) return this.report('skipped');
      try {
        return this.report(await this.writeOnce(state.namespace, state.agent));
      } catch (err) {
        lastError = err;
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

  private async writeOnce(namespace: string, agent: string): Promise<MirrorWrite> {
    const { client, store, logger } = this.options;
    const name = policyConfigMapName(agent);
    const existing = await client.get(configMaps, { namespace, name });
    const managed = existing?.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY;
    const stored = store.get(namespace, agent);
    if (!stored) {
      if (!existing || !managed) return 'unchanged';
      const rv = existing.metadata?.resourceVersion;
      await client.delete(
        configMaps,
        { namespace, name },
        rv ? { preconditions: { resourceVersion: rv } } : {},
      );
      return 'deleted';
    }
    if (stored.origin === 'restored') return 'unchanged';
    const desired = policyConfigMap(stored.policy);
    if (!existing) {
      await client.create(configMaps, desired);
      return 'created';
    }
    if (!managed) {
      logger.error(
        { agent: `${namespace}/${agent}` },
        `ConfigMap ${namespace}/${name} exists but is not labelled ${MANAGED_BY_LABEL}=${MANAGED_BY}; ` +
          'the policy mirror does not overwrite it: delete or rename it',
      );
      return 'skipped';
    }
    const desiredText = desired.data?.[POLICY_FILE_KEY];
    const labelsMatch = Object.entries(desired.metadata?.labels ?? {}).every(
      ([label, value]) => existing.metadata?.labels?.[label] === value,
    );
    if (existing.data?.[POLICY_FILE_KEY] === desiredText && labelsMatch) return 'unchanged';
    const mirrored = policyInConfigMap(existing);
    if (mirrored.ok && (parsePolicyVersion(mirrored.policy.version) ?? 0) > stored.versionNumber) {
      // Written by a newer leader: keep it, and make sure our next version goes above it.
      store.restore(mirrored.policy);
      return 'skipped';
    }
    const updated: ConfigMap = {
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: { ...existing.metadata?.labels, ...desired.metadata?.labels },
      },
      data: { ...existing.data, ...desired.data },
    };
    await client.update(configMaps, updated);
    return 'updated';
  }

  private report(result: MirrorWrite): void {
    this.options.onWrite?.(result);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
