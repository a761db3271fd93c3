// The one door reconcilers use to change the cluster: get, list, create, update, patch (object or
// status), delete. Small on purpose, so a reconciler's effects are easy to see and to test. A
// client bound to a signal (`withSignal`) refuses to act once the signal fires — the runtime
// binds every reconcile to the leadership term, so a leader that lost its lease stops writing.

import { isNotFound } from './api-error.js';
import type { ApiRequest, ApiTransport } from './api-transport.js';
import { formatKey, type KubeObject, keyOf, type ObjectKey } from './kube-object.js';
import {
  apiVersionOf,
  collectionPath,
  objectPath,
  type ResourceType,
  resourceName,
} from './resource-type.js';

export type Patch =
  /** RFC 7386 JSON merge patch: objects merge, `null` removes, arrays are replaced. */
  | { type: 'merge'; body: Record<string, unknown> }
  /** RFC 6902 JSON patch; a `test` operation makes it conditional. */
  | { type: 'json'; body: JsonPatchOperation[] }
  /** Kubernetes strategic merge patch (built-in kinds only). */
  | { type: 'strategic'; body: Record<string, unknown> }
  /** Server-side apply of the fields this manager owns; `force` takes conflicting fields over. */
  | { type: 'apply'; body: KubeObject & Record<string, unknown>; force?: boolean };

export interface JsonPatchOperation {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  path: string;
  value?: unknown;
  from?: string;
}

export interface ListOptions {
  /** Only this namespace; all namespaces when undefined. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  propagationPolicy?: 'Foreground' | 'Background' | 'Orphan';
  /** Delete only this incarnation / version of the object. */
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface KubeClient {
  /** The object, or undefined when it does not exist. */
  get<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey): Promise<T | undefined>;
  list<T extends KubeObject>(resource: ResourceType<T>, options?: ListOptions): Promise<T[]>;
  create<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T>;
  /** PUT with the object's resourceVersion: fails with 409 Conflict when someone changed it since. */
  update<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T>;
  /** PUT of the status subresource, optimistic like update. */
  updateStatus<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T>;
  patch<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T>;
  patchStatus<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T>;
  /** Deletes; resolves false when the object was already gone. */
  delete(resource: ResourceType, key: ObjectKey, options?: DeleteOptions): Promise<boolean>;
  /** The same client, refusing to act once `signal` fires (requests in flight are aborted). */
  withSignal(signal: AbortSignal): KubeClient;
}

export interface KubeClientOptions {
  /** Recorded in managedFields as the writer of every change; default `agent-governor`. */
  fieldManager?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

const patchContentTypes: Record<Patch['type'], string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function createKubeClient(transport: ApiTransport, options: KubeClientOptions = {}): KubeClient {
  return new ApiKubeClient(
    transport,
    options.fieldManager ?? 'agent-governor',
    options.signal ? [options.signal] : [],
    options.timeoutMs,
  );
}

class ApiKubeClient implements KubeClient {
  constructor(
    private readonly transport: ApiTransport,
    private readonly fieldManager: string,
    /** Every signal this client is bound to; a request is aborted when any fires. */
    private readonly signals: readonly AbortSignal[],
    private readonly timeoutMs: number | undefined,
  ) {}

  withSignal(signal: AbortSignal): KubeClient {
    // A list, not AbortSignal.any(): see request-abort.ts.
    return new ApiKubeClient(this.transport, this.fieldManager, [...this.signals, signal], this.timeoutMs);
  }

  async get<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey): Promise<T | undefined> {
    try {
      return await this.call<T>('get', resource, key, { method: 'GET', path: objectPath(resource, key) });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T extends KubeObject>(resource: ResourceType<T>, options: ListOptions = {}): Promise<T[]> {
    const items: T[] = [];
    let continueToken: string | undefined;
    // Pages of 500, as kubectl and client-go read large collections.
    for (let page = 0; page < 100_000; page++) {
      const list = await this.request<{ items?: T[]; metadata?: { continue?: string } }>({
        method: 'GET',
        path: collectionPath(resource, options.namespace),
        query: {
          labelSelector: options.labelSelector,
          fieldSelector: options.fieldSelector,
          limit: 500,
          continue: continueToken,
        },
        describe: `list ${resourceName(resource)}${options.namespace ? ` in ${options.namespace}` : ''}`,
      });
      for (const item of list.items ?? []) items.push(withTypeMeta(resource, item));
      continueToken = list.metadata?.continue || undefined;
      if (!continueToken) break;
    }
    return items;
  }

  create<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    const key = keyOf(object);
    return this.call<T>('create', resource, key, {
      method: 'POST',
      path: collectionPath(resource, resource.namespaced ? key.namespace : undefined),
      query: { fieldManager: this.fieldManager },
      body: withTypeMeta(resource, object),
    });
  }

  update<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    const key = keyOf(object);
    return this.call<T>('update', resource, key, {
      method: 'PUT',
      path: objectPath(resource, key),
      query: { fieldManager: this.fieldManager },
      body: withTypeMeta(resource, object),
    });
  }

  updateStatus<T extends KubeObject>(resource: ResourceType<T>, object: T): Promise<T> {
    const key = keyOf(object);
    return this.call<T>('update status of', resource, key, {
      method: 'PUT',
      path: objectPath(resource, key, 'status'),
      query: { fieldManager: this.fieldManager },
      body: withTypeMeta(resource, object),
    });
  }

  patch<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T> {
    return this.sendPatch(resource, key, patch, undefined);
  }

  patchStatus<T extends KubeObject>(resource: ResourceType<T>, key: ObjectKey, patch: Patch): Promise<T> {
    return this.sendPatch(resource, key, patch, 'status');
  }

  async delete(resource: ResourceType, key: ObjectKey, options: DeleteOptions = {}): Promise<boolean> {
    try {
      await this.call('delete', resource, key, {
        method: 'DELETE',
        path: objectPath(resource, key),
        body: {
          apiVersion: 'v1',
          kind: 'DeleteOptions',
          ...(options.propagationPolicy ? { propagationPolicy: options.propagationPolicy } : {}),
          ...(options.preconditions ? { preconditions: options.preconditions } : {}),
        },
      });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  private sendPatch<T extends KubeObject>(
    resource: ResourceType<T>,
    key: ObjectKey,
    patch: Patch,
    subresource: 'status' | undefined,
  ): Promise<T> {
    const body = patch.type === 'apply' ? withTypeMeta(resource, patch.body) : patch.body;
    return this.call<T>(subresource ? 'patch status of' : 'patch', resource, key, {
      method: 'PATCH',
      path: objectPath(resource, key, subresource),
      query: {
        fieldManager: this.fieldManager,
        force: patch.type === 'apply' && patch.force ? true : undefined,
      },
      body,
      contentType: patchContentTypes[patch.type],
    });
  }

  private call<T>(verb: string, resource: ResourceType, key: ObjectKey, request: ApiRequest): Promise<T> {
    return this.request<T>({ ...request, describe: `${verb} ${resourceName(resource)} ${formatKey(key)}` });
  }

  private request<T>(request: ApiRequest): Promise<T> {
    return this.transport.json<T>({
      ...request,
      signal: this.signals,
      ...(this.timeoutMs ? { timeoutMs: this.timeoutMs } : {}),
    });
  }
}

/** Lists return items without apiVersion/kind and writes need them; fill both in. */
function withTypeMeta<T extends KubeObject>(resource: ResourceType, object: T): T {
  if (object.apiVersion && object.kind) return object;
  return { ...object, apiVersion: apiVersionOf(resource), kind: resource.kind };
}
