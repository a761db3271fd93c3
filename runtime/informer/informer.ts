// An informer: LIST, then WATCH from the listed version, keeping an ObjectStore current and telling
// handlers about every add, update and delete. It never gives up: a failed list or watch is retried
// with jittered exponential backoff, an expired resourceVersion (410 Gone) triggers a relist whose
// differences reach the handlers as the changes the dropped watch missed, and a watch the server
// ends normally (its timeout) resumes from the last version seen. Restarts are reported to the
// observer (the watch-restarts metric).
import type { Logger } from 'pino';
import { ApiError, isGone, isNotFound } from '../kube/api-error.js';
import type { ApiTransport } from '../kube/api-transport.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, type ResourceType } from '../kube/resource-type.js';
import { Backoff, type BackoffPolicy, informerBackoff } from '../queue/backoff.js';
import { describeSelection, type Selection } from './list-watch.js';
import { apiServerSource, type ListWatchSource } from './list-watch-source.js';
import { type ObjectCache, ObjectStore, type StoreChange } from './object-store.js';

export interface InformerHandlers<T extends KubeObject> {
  add?(object: T): void;
  /** Also called with old === object on every resync. */
  update?(old: T, object: T): void;
  /** Called with the last state the informer knew. */
  delete?(object: T): void;
}

export type RestartReason = 'error' | 'expired';

export interface InformerOptions<T extends KubeObject> extends Selection {
  resource: ResourceType<T>;
  /** Client-side selection: objects it refuses are treated as absent (e.g. workloads without the agent label on their pod template, which no server-side selector can express). */
  filter?: (object: T) => boolean;
  /** Applied to every object before it is stored; default drops metadata.managedFields to save memory. */
  transform?: (object: T) => T;
  /** Calls update(object, object) for every cached object this often; 0 or unset: never. */
  resyncMs?: number;
  backoff?: BackoffPolicy;
  log: Logger;
  onRestart?: (reason: RestartReason, error: unknown) => void;
  random?: () => number;
  /** Where to list and watch from; default the API server through the transport. */
  source?: ListWatchSource<T>;
}

/** A watch that lived this long counts as healthy: the next failure backs off from the start. */
const healthyAfterMs = 30_000;

export class WatchExpiredError extends Error {
  override readonly name = 'WatchExpiredError';
}

export class Informer<T extends KubeObject> {
  readonly description: string;
  private readonly store = new ObjectStore<T>();
  private readonly handlers = new Set<InformerHandlers<T>>();
  private readonly stopper = new AbortController();
  private readonly syncWaiters = new Set<() => void>();
  private readonly backoff: Backoff;
  private readonly source: ListWatchSource<T>;
  private loop: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private synced = false;
  private resourceVersion = '';

  constructor(
    transport: ApiTransport,
    private readonly options: InformerOptions<T>,
  ) {
    this.description = describeSelection(options.resource, options);
    this.backoff = new Backoff(options.backoff ?? informerBackoff, options.random);
    this.source = options.source ?? apiServerSource(transport, options.resource);
  }

  get resource(): ResourceType<T> {
    return this.options.resource;
  }

  /** The cache; empty until the first list. */
  get cache(): ObjectCache<T> {
    return this.store;
  }

  /** Subscribes to changes from now on (existing objects are in `cache`); returns the unsubscribe. */
  on(handlers: InformerHandlers<T>): () => void {
    this.handlers.add(handlers);
    return () => this.handlers.delete(handlers);
  }

  start(): void {
    if (this.loop || this.stopper.signal.aborted) return;
    this.loop = this.run();
    if (this.options.resyncMs && this.options.resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.resync(), this.options.resyncMs);
      this.resyncTimer.unref();
    }
  }

  /** Closes the watch and ends the loop; the cache keeps its last contents. */
  async stop(): Promise<void> {
    this.stopper.abort(new Error(`informer for ${this.description} stopped`));
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    for (const resolve of this.syncWaiters) resolve();
    this.syncWaiters.clear();
    await this.loop;
  }

  /** True once the first list has been stored (and ever after). */
  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves when synced; rejects when `signal` fires first. */
  waitForSync(signal?: AbortSignal): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener('abort', aborted);
        if (this.synced) resolve();
        else reject(new Error(`informer for ${this.description} stopped before its first list`));
      };
      const aborted = () => {
        this.syncWaiters.delete(done);
        reject(signal?.reason ?? new Error(`gave up waiting for ${this.description} to sync`));
      };
      if (signal?.aborted) return aborted();
      signal?.addEventListener('abort', aborted, { once: true });
      this.syncWaiters.add(done);
    });
  }

  private async run(): Promise<void> {
    const signal = this.stopper.signal;
    let needList = true;
    let expiredInARow = 0;
    while (!signal.aborted) {
      const began = Date.now();
      try {
        if (needList) {
          await this.list(signal);
          needList = false;
        }
        const watchBegan = Date.now();
        await this.watch(signal);
        // The server ended the watch (its timeout): resume from the last version seen.
        expiredInARow = 0;
        if (Date.now() - began >= healthyAfterMs) this.backoff.reset();
        // A watch that ends as soon as it opens is a broken one (a proxy, a server going down): back off.
        if (Date.now() - watchBegan < 1_000) await pause(this.backoff.next(), signal);
      } catch (err) {
        if (signal.aborted) break;
        if (Date.now() - began >= healthyAfterMs) {
          this.backoff.reset();
          expiredInARow = 0;
        }
        const expired = err instanceof WatchExpiredError || isGone(err);
        const reason: RestartReason = expired ? 'expired' : 'error';
        if (expired) {
          needList = true;
          expiredInARow++;
        }
        this.options.onRestart?.(reason, err);
        // The first expiry relists at once (nothing is wrong, we were away too long); a loop of them backs off.
        const delay = expired && expiredInARow === 1 ? 0 : this.backoff.next();
        const hint = isNotFound(err)
          ? ' (the API server does not serve this resource: is its CRD installed? kubectl apply -f crds/)'
          : '';
        this.options.log.warn(
          { resource: this.description, reason, retryInMs: delay, err: describeError(err) },
          expired
            ? `the watch of ${this.description} expired (410 Gone); relisting`
            : `list/watch of ${this.description} failed; retrying in ${delay} ms${hint}`,
        );
        await pause(delay, signal);
      }
    }
  }

  private async list(signal: AbortSignal): Promise<void> {
    const listed = await this.source.list(this.options, signal);
    const objects: T[] = [];
    for (const item of listed.items) {
      const object = this.prepare(item);
      if (this.accepts(object)) objects.push(object);
    }
    const changes = this.store.replace(objects);
    this.resourceVersion = listed.resourceVersion;
    if (!this.synced) {
      this.synced = true;
      for (const resolve of [...this.syncWaiters]) resolve();
    }
    for (const change of changes) this.emit(change);
  }

  private async watch(signal: AbortSignal): Promise<void> {
    // Like client-go: a random timeout between 5 and 10 minutes spreads the re-watches out.
    const timeoutSeconds = 300 + Math.floor((this.options.random ?? Math.random)() * 300);
    const events = this.source.watch(this.options, {
      resourceVersion: this.resourceVersion,
      timeoutSeconds,
      signal,
    });
    for await (const event of events) {
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED': {
          const object = this.prepare(event.object);
          const change = this.accepts(object) ? this.store.upsert(object) : this.store.remove(object);
          if (change) this.emit(change);
          this.resourceVersion = event.resourceVersion;
          break;
        }
        case 'DELETED': {
          const change = this.store.remove(event.object);
          if (change) this.emit(change);
          this.resourceVersion = event.resourceVersion;
          break;
        }
        case 'BOOKMARK':
          this.resourceVersion = event.resourceVersion;
          break;
        case 'ERROR':
          if (event.expired) {
            throw new WatchExpiredError(event.status.message ?? 'resourceVersion expired');
          }
          throw new ApiError(
            `watch ${this.description}`,
            event.status.code ?? 500,
            event.status.reason,
            event.status.message ?? 'error event',
          );
        case 'INVALID':
          this.options.log.warn(
            { resource: this.description, problem: event.problem },
            'skipped a watch line',
          );
          break;
      }
    }
  }

  private resync(): void {
    if (!this.synced) return;
    for (const object of this.store.list()) this.emit({ type: 'update', old: object, object });
  }

  /** List items come without apiVersion/kind (Events and logs need them); managedFields only cost memory. */
  private prepare(object: T): T {
    let prepared = object;
    if (!prepared.kind || !prepared.apiVersion) {
      prepared = {
        ...prepared,
        apiVersion: apiVersionOf(this.options.resource),
        kind: this.options.resource.kind,
      };
    }
    if (this.options.transform) return this.options.transform(prepared);
    if (prepared.metadata?.managedFields) {
      const { managedFields: _dropped, ...metadata } = prepared.metadata;
      prepared = { ...prepared, metadata };
    }
    return prepared;
  }

  private accepts(object: T): boolean {
    return this.options.filter ? this.options.filter(object) : true;
  }

  private emit(change: StoreChange<T>): void {
    for (const handlers of this.handlers) {
      try {
        if (change.type === 'add') handlers.add?.(change.object);
        else if (change.type === 'update') handlers.update?.(change.old, change.object);
        else handlers.delete?.(change.object);
      } catch (err) {
        this.options.log.error(
          { resource: this.description, err: describeError(err) },
          `an event handler of ${this.description} threw; the informer carries on`,
        );
      }
    }
  }
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
