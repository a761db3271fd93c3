// The plug-in API: what a controller declares (its watches, its reconcile function, how many keys
// it works on at once) and what a reconcile gets to work with. Controllers are plain values made by
// a factory that receives the process's shared pieces (metrics registry, clock, identity).
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { EventRecorder } from '../events/event-recorder.js';
import type { Selection } from '../informer/list-watch.js';
import type { ObjectCache } from '../informer/object-store.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject, ObjectKey } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-type.js';
import type { RateLimiterOptions } from '../queue/rate-limiter.js';
import type { ReconcileResult } from './reconcile-result.js';

/** The cache of a resource the controller watches (the first watch of it); throws for others. */
export type CacheReader = <T extends KubeObject>(resource: ResourceType<T>) => ObjectCache<T>;

/** What a reconcile gets: read from caches, write through the client, tell people with events. */
export interface ReconcileContext {
  /** Writes to the API server; refuses (and aborts in-flight requests) once leadership is lost. */
  client: KubeClient;
  /** The cache of a resource this controller watches (the first watch of it); throws for others. */
  cache<T extends KubeObject>(resource: ResourceType<T>): ObjectCache<T>;
  events: EventRecorder;
  /** Carries `controller` and `key`. */
  log: Logger;
  /** Fires when this process stops leading or shuts down: stop at once. */
  signal: AbortSignal;
  /** The operator's clock (injectable in tests: period resets, expiry). */
  now(): Date;
}

export interface Watch<T extends KubeObject> extends Selection {
  resource: ResourceType<T>;
  /** Client-side selection, e.g. "the pod template carries the agent label". */
  filter?: (object: T) => boolean;
  /**
   * The keys of this controller's objects that a change to `object` concerns (e.g. the budgets that
   * select a changed Deployment). Default: the object's own key. Return [] to only cache. `cache`
   * reads the caches of this controller's watches, as in a reconcile, so the mapping can be narrow
   * (the budgets whose selector matches, not every budget of the namespace). On an update it is
   * called for the new object and for the old one, so a key the change moves out of is queued too.
   */
  mapToKeys?: (object: T, cache: CacheReader) => ObjectKey[];
  /**
   * Whether an update concerns this controller; when false it queues nothing (a status write of
   * another controller that this one does not read, a replica count it does not look at). Adds and
   * deletes always do. Default: every update does.
   */
  changed?: (old: T, current: T) => boolean;
}

/** Queues a key of the controller, now or after `delayMs` (when it already waits, the earlier time wins). */
export type EnqueueKey = (key: ObjectKey, delayMs?: number) => void;

/**
 * Keys from outside the API server's watches (controller-runtime's channel source): e.g. the
 * admission webhook asking for a residency audit. The runner subscribes while it leads — one term at
 * a time — and unsubscribes when the term ends; with no subscriber (a standby) the source drops what
 * it is given.
 */
export interface KeySource {
  subscribe(enqueue: EnqueueKey): () => void;
}

export interface ControllerDefinition {
  /** Short, kebab-case, unique: metric label, log field and Event reportingController suffix. */
  name: string;
  /** Use `watch({...})` for each entry, so that mapToKeys and filter are typed for their resource. */
  watches: readonly Watch<KubeObject>[];
  /** Keys queued from outside the watches (see KeySource); default none. */
  sources?: readonly KeySource[];
  reconcile(key: ObjectKey, context: ReconcileContext): Promise<ReconcileResult>;
  /** Keys reconciled at the same time (never the same key twice); default 1. */
  concurrency?: number;
  /** Reconcile every key of every watch this often even without changes; default never. */
  resyncMs?: number;
  rateLimiter?: RateLimiterOptions;
}

/** Shared pieces a controller factory may use. */
export interface ControllerEnvironment {
  /** The /metrics registry: add budget and SLO gauges here (name them governor_operator_*). */
  registry: Registry;
  log: Logger;
  now(): Date;
  /** This process's identity (pod name, or hostname-pid). */
  identity: string;
  /** The operator's own namespace. */
  namespace: string;
}

export type ControllerFactory = (environment: ControllerEnvironment) => ControllerDefinition;

/** Identity function that checks a definition (and documents intent at the call site). */
export function defineController(definition: ControllerDefinition): ControllerDefinition {
  if (!/^[a-z0-9]([-a-z0-9]{0,46}[a-z0-9])?$/.test(definition.name)) {
    throw new Error(
      `controller name "${definition.name}" must be kebab-case (a-z, 0-9, -), at most 48 characters`,
    );
  }
  if (definition.watches.length === 0) {
    throw new Error(`controller ${definition.name} watches nothing; give at least one watch`);
  }
  const concurrency = definition.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new Error(
      `controller ${definition.name}: concurrency must be a whole number ≥ 1, not ${concurrency}`,
    );
  }
  return definition;
}

/** Types one watch entry: `watch({ resource: deployments, mapToKeys: (d) => … })` infers d. */
export function watch<T extends KubeObject>(spec: Watch<T>): Watch<KubeObject> {
  return spec as unknown as Watch<KubeObject>;
}
