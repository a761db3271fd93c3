// Runs one controller. Its informers are created at once (shared, running on leader and standby
// alike); its work happens only during a leadership term: `lead(signal)` subscribes to the
// informers and the definition's key sources, waits for the caches, queues every existing object's
// keys and reconciles with up to `concurrency` workers; `stop()` takes no new work and waits for
// running reconciles. Every reconcile is timed and counted, and its result decides what happens to
// the key.
import type { Logger } from 'pino';
import { createEventRecorder, type EventRecorder } from '../events/event-recorder.js';
import type { Informer } from '../informer/informer.js';
import type { InformerSet } from '../informer/informer-set.js';
import type { KubeClient } from '../kube/kube-client.js';
import { formatKey, type KubeObject, keyOf, type ObjectKey, parseKey } from '../kube/kube-object.js';
import { type ResourceType, resourceName } from '../kube/resource-type.js';
import type { OperatorMetrics } from '../metrics/operator-metrics.js';
import { KeyRateLimiter } from '../queue/rate-limiter.js';
import { WorkQueue } from '../queue/work-queue.js';
import type { CacheReader, ControllerDefinition, ReconcileContext, Watch } from './controller-definition.js';
import { decide, type ReconcileDecision } from './reconcile-result.js';

export interface ControllerRunnerOptions {
  informers: InformerSet;
  client: KubeClient;
  metrics: OperatorMetrics;
  log: Logger;
  identity: string;
  now: () => Date;
}

interface Term {
  signal: AbortSignal;
  queue: WorkQueue;
  unsubscribe: Array<() => void>;
  running: Map<string, Promise<void>>;
  events: EventRecorder;
  /** False while the caches sync: keys queue up, no worker starts. */
  started: boolean;
  resyncTimer?: NodeJS.Timeout;
}

export class ControllerRunner {
  readonly name: string;
  private readonly watched: Array<{ watch: Watch<KubeObject>; informer: Informer<KubeObject> }>;
  private readonly log: Logger;
  private term: Term | undefined;

  constructor(
    private readonly definition: ControllerDefinition,
    private readonly options: ControllerRunnerOptions,
  ) {
    this.name = definition.name;
    this.log = options.log.child({ controller: definition.name });
    this.watched = definition.watches.map((watch) => ({
      watch,
      informer: options.informers.informer({
        resource: watch.resource,
        namespace: watch.namespace,
        labelSelector: watch.labelSelector,
        fieldSelector: watch.fieldSelector,
        ...(watch.filter ? { filter: watch.filter } : {}),
      }),
    }));
  }

  get leading(): boolean {
    return this.term !== undefined;
  }

  /** Starts working for one leadership term; `signal` ends it (stop() waits for the workers). */
  async lead(signal: AbortSignal): Promise<void> {
    if (this.term) throw new Error(`controller ${this.name} already runs`);
    const metrics = this.options.metrics;
    const queue = new WorkQueue({
      rateLimiter: new KeyRateLimiter(this.definition.rateLimiter ?? {}),
    });
    const term: Term = {
      signal,
      queue,
      unsubscribe: [],
      running: new Map(),
      started: false,
      events: createEventRecorder({
        client: this.options.client.withSignal(signal),
        reportingController: `governor.agents.dev/${this.name}`,
        reportingInstance: this.options.identity.slice(0, 128),
        log: this.log,
        onRecorded: (type, reason, outcome) => metrics.events.inc({ type, reason, outcome }),
      }),
    };
    this.term = term;
    queue.onReady = () => {
      metrics.queueDepth.set({ controller: this.name }, queue.depth);
      this.pump(term);
    };
    for (const { watch, informer } of this.watched) {
      const enqueue = (object: KubeObject) => this.enqueue(term, watch, object);
      term.unsubscribe.push(
        informer.on({
          add: enqueue,
          update: (old, object) => {
            if (watch.changed && !watch.changed(old, object)) return;
            enqueue(object);
            // A change can move an object out of one key's concern into another's (a label edit).
            if (watch.mapToKeys && old !== object) enqueue(old);
          },
          delete: enqueue,
        }),
      );
    }
    for (const source of this.definition.sources ?? []) {
      term.unsubscribe.push(
        source.subscribe((key, delayMs = 0) => {
          if (this.term === term) term.queue.addAfter(formatKey(key), delayMs);
        }),
      );
    }
    // Workers start only once every cache this controller reads from is complete.
    try {
      await Promise.all(this.watched.map(({ informer }) => informer.waitForSync(signal)));
    } catch (err) {
      if (signal.aborted || this.term !== term) return;
      throw err;
    }
    if (signal.aborted || this.term !== term) return;
    for (const { watch, informer } of this.watched) {
      for (const object of informer.cache.list()) this.enqueue(term, watch, object);
    }
    if (this.definition.resyncMs && this.definition.resyncMs > 0) {
      term.resyncTimer = setInterval(() => {
        for (const { watch, informer } of this.watched) {
          for (const object of informer.cache.list()) this.enqueue(term, watch, object);
        }
      }, this.definition.resyncMs);
      term.resyncTimer.unref();
    }
    this.log.info(`controller ${this.name} started with ${this.definition.concurrency ?? 1} worker(s)`);
    term.started = true;
    this.pump(term);
  }

  /**
   * Takes no new work and waits up to `timeoutMs` for running reconciles; returns the keys still
   * running when it gave up (the caller then aborts the term, which aborts their API calls).
   */
  async stop(timeoutMs: number): Promise<string[]> {
    const term = this.term;
    if (!term) return [];
    this.term = undefined;
    for (const unsubscribe of term.unsubscribe) unsubscribe();
    if (term.resyncTimer) clearInterval(term.resyncTimer);
    term.queue.shutDown();
    this.options.metrics.queueDepth.set({ controller: this.name }, 0);
    const finished = Promise.all(term.running.values()).then(() => true);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const allDone = await Promise.race([finished, timedOut]);
    clearTimeout(timer);
    await term.events.flush();
    return allDone ? [] : [...term.running.keys()];
  }

  private enqueue(term: Term, watch: Watch<KubeObject>, object: KubeObject): void {
    if (this.term !== term) return;
    let keys: ObjectKey[];
    try {
      keys = watch.mapToKeys ? watch.mapToKeys(object, this.cacheReader) : [keyOf(object)];
    } catch (err) {
      this.log.error(
        { err: (err as Error).message, resource: resourceName(watch.resource) },
        `mapToKeys of controller ${this.name} threw for ${object.kind} ${object.metadata?.namespace ?? ''}/${object.metadata?.name}`,
      );
      return;
    }
    for (const key of keys) term.queue.add(formatKey(key));
  }

  private pump(term: Term): void {
    const concurrency = this.definition.concurrency ?? 1;
    if (!term.started) return;
    while (this.term === term && !term.signal.aborted && term.running.size < concurrency) {
      const key = term.queue.take();
      if (key === undefined) break;
      const run = this.reconcileOne(term, key).finally(() => {
        term.running.delete(key);
        term.queue.done(key);
        this.options.metrics.activeWorkers.set({ controller: this.name }, term.running.size);
        this.options.metrics.queueDepth.set({ controller: this.name }, term.queue.depth);
        this.pump(term);
      });
      term.running.set(key, run);
      this.options.metrics.activeWorkers.set({ controller: this.name }, term.running.size);
    }
    this.options.metrics.queueDepth.set({ controller: this.name }, term.queue.depth);
  }

  private async reconcileOne(term: Term, key: string): Promise<void> {
    const metrics = this.options.metrics;
    const log = this.log.child({ key });
    const context: ReconcileContext = {
      client: this.options.client.withSignal(term.signal),
      cache: this.cacheReader,
      events: term.events,
      log,
      signal: term.signal,
      now: this.options.now,
    };
    const end = metrics.reconcileDuration.startTimer({ controller: this.name });
    let decision: ReconcileDecision;
    try {
      decision = decide({ result: await this.definition.reconcile(parseKey(key), context) });
    } catch (thrown) {
      decision = decide({ thrown });
    }
    end();
    metrics.reconciles.inc({ controller: this.name, result: decision.outcome });
    if (term.signal.aborted) {
      // Leadership ended during this reconcile: whatever it did not finish, the next leader redoes.
      if (decision.outcome === 'error' || decision.outcome === 'terminal') {
        log.info({ err: decision.error.message }, `reconcile of ${key} ended by the end of leadership`);
      }
      return;
    }
    switch (decision.outcome) {
      case 'success':
        term.queue.forget(key);
        break;
      case 'requeue':
        term.queue.forget(key);
        term.queue.addAfter(key, decision.delayMs);
        break;
      case 'error': {
        metrics.reconcileErrors.inc({ controller: this.name, kind: 'retry' });
        const delay = term.queue.addRateLimited(key);
        log.warn(
          { err: decision.error.message, retryInMs: delay, failures: term.queue.failuresOf(key) },
          `reconcile of ${key} failed; retrying in ${delay} ms`,
        );
        break;
      }
      case 'terminal':
        metrics.reconcileErrors.inc({ controller: this.name, kind: 'terminal' });
        term.queue.forget(key);
        log.error(
          { err: decision.error.message },
          `reconcile of ${key} failed for good (not retried until the object changes)`,
        );
        break;
    }
  }

  private readonly cacheReader: CacheReader = (resource) => this.cacheOf(resource);

  private cacheOf<T extends KubeObject>(resource: ResourceType<T>) {
    const found = this.watched.find(
      ({ watch }) => watch.resource.group === resource.group && watch.resource.plural === resource.plural,
    );
    if (!found) {
      throw new Error(
        `controller ${this.name} reads ${resourceName(resource)} from the cache but does not watch it; ` +
          `add watch({ resource: ${resource.plural}, mapToKeys: () => [] }) to its watches`,
      );
    }
    return (found.informer as unknown as Informer<T>).cache;
  }
}
