import { type FSWatcher, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { PolicySource } from '../policy-source/policy-source.js';
import type { ConfigEnv } from './env-interpolation.js';
import { loadSidecarConfig } from './load-sidecar-config.js';

export interface FilePolicySourceOptions {
  file: string;
  env?: ConfigEnv;
  /** A reload that failed: the last good policy stays in force. */
  onError?: (err: Error) => void;
  /** Quiet time after the last change before reloading (editors write in several steps). */
  debounceMs?: number;
}

/**
 * The standalone policy: a SidecarConfig YAML file, reloaded when it changes. It watches the
 * directory, not the file, so editors that write a new file and rename it over the old one, and
 * Kubernetes ConfigMap mounts (which swap a symlink), are seen too. A bad edit keeps the last good
 * policy and reports the error; a first load that fails rejects `start()` with the file:line error.
 */
export class FilePolicySource implements PolicySource {
  private readonly file: string;
  private policy: EffectivePolicy | undefined;
  private digest = '';
  private watcher: FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<(policy: EffectivePolicy) => void>();

  constructor(private readonly options: FilePolicySourceOptions) {
    this.file = resolve(options.file);
  }

  current(): EffectivePolicy {
    if (!this.policy) throw new Error(`policy file ${this.file} is not loaded yet: call start() first`);
    return this.policy;
  }

  onChange(listener: (policy: EffectivePolicy) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async start(): Promise<void> {
    this.load();
    // Any change in the directory schedules a reload; the digest of the text decides whether the
    // policy really changed (editors touch swap files, ConfigMaps swap `..data`).
    this.watcher = watch(dirname(this.file), { persistent: false }, () => this.schedule());
    this.watcher.on('error', (err) => this.options.onError?.(err));
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.watcher?.close();
    this.watcher = undefined;
  }

  /** Re-reads the file now; returns whether the policy changed. Errors go to onError. */
  reload(): boolean {
    try {
      return this.load();
    } catch (err) {
      this.options.onError?.(err as Error);
      return false;
    }
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.options.debounceMs ?? 100);
    this.timer.unref();
  }

  private load(): boolean {
    const loaded = loadSidecarConfig(this.file, {
      ...(this.options.env ? { env: this.options.env } : {}),
    });
    if (loaded.digest === this.digest) return false;
    const first = this.policy === undefined;
    this.digest = loaded.digest;
    this.policy = loaded.policy;
    if (!first) for (const listener of this.listeners) listener(loaded.policy);
    return true;
  }
}
