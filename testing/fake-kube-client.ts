// A KubeClient in memory, for reconcilers tested without an API server: objects live in one
// ObjectStore per resource (the same stores the fake reconcile context serves as caches, so a write
// is in the cache at once, as if its watch event arrived instantly), every call is recorded in order,
// and a test can make chosen calls fail. It keeps the API server's rules a reconcile relies on: a
// write carrying an older resourceVersion is refused (409), an object patch leaves the status alone
// and a status patch the rest, a delete of an object with finalizers only marks it deleted, and
// removing its last finalizer then deletes it.

import { ObjectStore } from '../runtime/informer/object-store.js';
import { ApiError } from '../runtime/kube/api-error.js';
import type { DeleteOptions, KubeClient, ListOptions, Patch } from '../runtime/kube/kube-client.js';
import { formatKey, type KubeObject, keyOf, type ObjectKey } from '../runtime/kube/kube-object.js';
import { apiVersionOf, type ResourceType, resourceName } from '../runtime/kube/resource-type.js';
import { jsonPatch, mergePatch, PatchRefused } from './in-memory-patch.js';

export type ClientVerb =
  | 'get'
  | 'list'
  | 'create'
  | 'update'
  | 'updateStatus'
  | 'patch'
  | 'patchStatus'
  | 'delete';

/** One call the client was asked to make. */
export interface ClientCall {
  verb: ClientVerb;
  /** `tokenbudgets.governor.agents.dev`, `deployments.apps`, `configmaps`. */
  resource: string;
  /** `namespace/name`; the namespace alone (or '') for a list. */
  key: string;
  patch?: Patch;
  object?: KubeObject;
}

/** Decides whether a call fails (return the error) before it touches the objects. */
export type FailureRule = (call: ClientCall) => Error | undefined;

export class FakeKubeClient implements KubeClient {
  readonly calls: ClientCall[] = [];
  private readonly stores = new Map<string, ObjectStore<KubeObject>>();
  private readonly failures: FailureRule[] = [];
  private version = 100;

  constructor(private readonly clock: () => Date = () => new Date()) {}

  /** The objects of a resource (the fake context's cache of it). */
  store<T extends KubeObject>(resource: ResourceType<T>): ObjectStore<T> {
    const name = resourceName(resource);
    let store = this.stores.get(name);
    if (!store) {
      store = new ObjectStore<KubeObject>();
      this.stores.set(name, store);
    }
    return store as unknown as ObjectStore<T>;
  }

  /** Puts objects in place as they are (a resourceVersion is given to those without one); not recorded. */
  seed<T extends KubeObject>(resource: ResourceType<T>, ...objects: T[]): void {
    for (const object of objects) {
      const version = object.metadata?.resourceVersion ?? this.nextVersion();
      this.store(resource).upsert({
        apiVersion: object.apiVersion ?? apiVersionOf(resource),
        kind: object.kind ?? resource.kind,
        ...structuredClone(object),
        metadata: { ...structuredClone(object.metadata), resourceVersion: version },
      } as T);
    }
  }

  /** Makes every call for which `rule` returns an error fail with it. */
  failWhen(rule: FailureRule): void {
    this.failures.push(rule);
  }

  /** The calls that changed something, as `verb resource key` lines: what a reconcile did, in order. */
  writes(): string[] {
    return this.calls
      .filter((c) => c.verb !== 'get' && c.verb !== 'list')
      .map((c) => `${c.verb} ${c.resource} ${c.key}`);
  }

  withSignal(): KubeClient {
    return this;
  }

  async get<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey): Promise<T | undefined> {
    this.begin({ verb: 'get', resource: resourceName(resource), key: formatKey(key) });
    const found = this.store(resource).get(key);
    return found ? structuredClone(found) : undefined;
  }

  async list<T extends KubeObject>(resource: ResourceType<T>, options: ListOptions = {}): Promise<T[]> {
    this.begin({ verb: 'list', resource: resourceName(resource), key: options.namespace ?? '' });
    return structuredClone(this.store(resource).list(options.namespace));
  }

  async create<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    const call = this.begin({
      verb: 'create',
      resource: resourceName(resource),
      key: formatKey(keyOf(object)),
      object,
    });
    if (this.store(resource).get(keyOf(object))) throw refusal(call, 409, 'AlreadyExists', 'already exists');
    return this.put(resource, {
      apiVersion: apiVersionOf(resource),
      kind: resource.kind,
      ...structuredClone(object),
      metadata: { ...structuredClone(object.metadata), creationTimestamp: this.clock().toISOString() },
    } as T);
  }

  update<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    return this.replace(resource, object, 'update');
  }

  updateStatus<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    return this.replace(resource, object, 'updateStatus');
  }

  patch<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T> {
    return this.patched(resource, key, patch, 'patch');
  }

  patchStatus<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T> {
    return this.patched(resource, key, patch, 'patchStatus');
  }

  async delete(resource: ResourceType, key: ObjectKey, _options?: DeleteOptions): Promise<boolean> {
    this.begin({ verb: 'delete', resource: resourceName(resource), key: formatKey(key) });
    const found = this.store(resource).get(key);
    if (!found) return false;
    if ((found.metadata?.finalizers ?? []).length > 0) {
      if (!found.metadata?.deletionTimestamp) {
        this.put(resource, {
          ...found,
          metadata: { ...found.metadata, deletionTimestamp: this.clock().toISOString() },
        });
      }
    } else {
      this.store(resource).remove(found);
    }
    return true;
  }

  private async replace<T extends KubeObject>(
    resource: ResourceType<T>,
    object: T,
    verb: 'update' | 'updateStatus',
  ) {
    const call = this.begin({
      verb,
      resource: resourceName(resource),
      key: formatKey(keyOf(object)),
      object,
    });
    const found = this.store(resource).get(keyOf(object));
    if (!found) throw refusal(call, 404, 'NotFound', 'not found');
    const version = object.metadata?.resourceVersion;
    if (version !== undefined && version !== found.metadata?.resourceVersion) {
      throw refusal(
        call,
        409,
        'Conflict',
        'the object has been modified; please apply your changes to the latest version',
      );
    }
    return this.put(resource, keepSide(found, structuredClone(object), verb === 'updateStatus'));
  }

  private async patched<T extends KubeObject>(
    resource: ResourceType<T>,
    key: ObjectKey,
    patch: Patch,
    verb: 'patch' | 'patchStatus',
  ): Promise<T> {
    const call = this.begin({ verb, resource: resourceName(resource), key: formatKey(key), patch });
    const found = this.store(resource).get(key);
    if (!found) throw refusal(call, 404, 'NotFound', 'not found');
    let changed: T;
    try {
      // Strategic merge and apply patches are taken as merge patches: enough for the fields tests write.
      changed = patch.type === 'json' ? jsonPatch(found, patch.body) : (mergePatch(found, patch.body) as T);
    } catch (err) {
      if (err instanceof PatchRefused) throw refusal(call, 422, 'Invalid', err.message);
      throw err;
    }
    const version = changed.metadata?.resourceVersion;
    if (version !== undefined && version !== found.metadata?.resourceVersion) {
      throw refusal(
        call,
        409,
        'Conflict',
        'the object has been modified; please apply your changes to the latest version',
      );
    }
    const result = keepSide(found, changed, verb === 'patchStatus');
    if (result.metadata?.deletionTimestamp && (result.metadata.finalizers ?? []).length === 0) {
      this.store(resource).remove(result);
      return structuredClone(result);
    }
    return this.put(resource, result);
  }

  private put<T extends KubeObject>(resource: ResourceType<T>, object: T): T {
    const stored = { ...object, metadata: { ...object.metadata, resourceVersion: this.nextVersion() } } as T;
    this.store(resource).upsert(stored);
    return structuredClone(stored);
  }

  private begin(call: ClientCall): ClientCall {
    this.calls.push(call);
    for (const rule of this.failures) {
      const error = rule(call);
      if (error) throw error;
    }
    return call;
  }

  private nextVersion(): string {
    return String(++this.version);
  }
}

/** The error the API server answers a call with. */
export function apiError(
  call: Pick<ClientCall, 'verb' | 'resource' | 'key'>,
  status: number,
  reason: string,
): ApiError {
  return refusal(call, status, reason, reason);
}

function refusal(
  call: Pick<ClientCall, 'verb' | 'resource' | 'key'>,
  status: number,
  reason: string,
  detail: string,
) {
  return new ApiError(`${call.verb} ${call.resource} ${call.key}`, status, reason, detail);
}

/** A write to the object leaves its status as stored, a write to the status everything else. */
function keepSide<T extends KubeObject>(stored: T, written: T, statusOnly: boolean): T {
  const { status: storedStatus, ...storedRest } = stored as T & { status?: unknown };
  const { status: writtenStatus, ...writtenRest } = written as T & { status?: unknown };
  const rest = statusOnly ? storedRest : writtenRest;
  const status = statusOnly ? writtenStatus : storedStatus;
  return { ...rest, ...(status !== undefined ? { status } : {}) } as T;
}
