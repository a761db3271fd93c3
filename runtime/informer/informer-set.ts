// The informers of one operator process, shared: two controllers watching the same resource with
// the same selection (and the same filter function) use one list, one watch and one cache. Started
// informers keep running on leader and standby alike, so a standby that takes over has a warm cache.
import type { Logger } from 'pino';
import type { ApiTransport } from '../kube/api-transport.js';
import type { KubeObject } from '../kube/kube-object.js';
import { resourceName } from '../kube/resource-type.js';
import { describeError, Informer, type InformerOptions, type RestartReason } from './informer.js';
import type { ListWatchSource } from './list-watch-source.js';

export type InformerSpec<T extends KubeObject> = Omit<InformerOptions<T>, 'log' | 'onRestart' | 'random'>;

export interface InformerSetOptions {
  log: Logger;
  /** Called on every restart of any informer's list/watch (the watch-restarts metric). */
  onRestart?: (resource: string, reason: RestartReason) => void;
  /** Resync period for informers whose spec sets none; default none. */
  resyncMs?: number;
  /** Resources listed and watched from elsewhere than the API server, by resource name (`plural.group`). */
  sources?: ReadonlyMap<string, ListWatchSource<KubeObject>>;
}

export class InformerSet {
  private readonly informers = new Map<string, Informer<KubeObject>>();
  private readonly functionIds = new WeakMap<object, number>();
  private nextFunctionId = 1;
  private started = false;

  constructor(
    private readonly transport: ApiTransport,
    private readonly options: InformerSetOptions,
  ) {}

  /** The shared informer for this spec, created (and started, if the set runs) on first use. */
  informer<T extends KubeObject>(spec: InformerSpec<T>): Informer<T> {
    const key = this.keyOf(spec as unknown as InformerSpec<KubeObject>);
    const existing = this.informers.get(key);
    if (existing) return existing as unknown as Informer<T>;
    const resource = resourceName(spec.resource);
    const source = this.options.sources?.get(resource) as ListWatchSource<T> | undefined;
    const informer = new Informer<T>(this.transport, {
      ...spec,
      ...(source ? { source } : {}),
      resyncMs: spec.resyncMs ?? this.options.resyncMs,
      log: this.options.log,
      onRestart: (reason, _error) => this.options.onRestart?.(resource, reason),
    });
    this.informers.set(key, informer as unknown as Informer<KubeObject>);
    if (this.started) informer.start();
    return informer;
  }

  start(): void {
    this.started = true;
    for (const informer of this.informers.values()) informer.start();
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.informers.values()].map((informer) => informer.stop()));
  }

  /** Every informer has listed at least once. */
  allSynced(): boolean {
    for (const informer of this.informers.values()) if (!informer.hasSynced()) return false;
    return true;
  }

  /** The informers still waiting for their first list, described (for /readyz). */
  unsynced(): string[] {
    return [...this.informers.values()].filter((i) => !i.hasSynced()).map((i) => i.description);
  }

  async waitForSync(signal?: AbortSignal): Promise<void> {
    try {
      await Promise.all([...this.informers.values()].map((informer) => informer.waitForSync(signal)));
    } catch (err) {
      throw new Error(
        `the caches did not sync (still waiting for: ${this.unsynced().join(', ') || 'none'}): ${describeError(err)}`,
      );
    }
  }

  get size(): number {
    return this.informers.size;
  }

  private keyOf(spec: InformerSpec<KubeObject>): string {
    const filter = spec.filter ? this.idOf(spec.filter) : 0;
    const transform = spec.transform ? this.idOf(spec.transform) : 0;
    return JSON.stringify([
      resourceName(spec.resource),
      spec.resource.version,
      spec.namespace ?? null,
      spec.labelSelector ?? '',
      spec.fieldSelector ?? '',
      filter,
      transform,
      spec.resyncMs ?? null,
    ]);
  }

  /** Functions have no value identity; number each one the first time it is seen. */
  private idOf(fn: object): number {
    let id = this.functionIds.get(fn);
    if (id === undefined) {
      id = this.nextFunctionId++;
      this.functionIds.set(fn, id);
    }
    return id;
  }
}
