// An informer's cache: the objects of one resource by namespace and name. Applying a watch event
// or a whole relist says what changed, so the informer can tell its handlers; a relist that no
// longer holds an object reports it deleted (the watch that would have said so was missed).
import { formatKey, type KubeObject, type ObjectKey } from '../kube/kube-object.js';

export type StoreChange<T> =
  | { type: 'add'; object: T }
  | { type: 'update'; old: T; object: T }
  | { type: 'delete'; object: T };

/** The read side, handed to reconcilers: never mutate what it returns. */
export interface ObjectCache<T extends KubeObject> {
  get(key: ObjectKey | string): T | undefined;
  /** All objects, or those of one namespace. */
  list(namespace?: string): T[];
  readonly size: number;
}

export class ObjectStore<T extends KubeObject> implements ObjectCache<T> {
  private readonly byNamespace = new Map<string, Map<string, T>>();
  private count = 0;

  get(key: ObjectKey | string): T | undefined {
    const { namespace, name } = typeof key === 'string' ? splitKey(key) : key;
    return this.byNamespace.get(namespace ?? '')?.get(name);
  }

  list(namespace?: string): T[] {
    if (namespace !== undefined) return [...(this.byNamespace.get(namespace)?.values() ?? [])];
    const all: T[] = [];
    for (const objects of this.byNamespace.values()) for (const object of objects.values()) all.push(object);
    return all;
  }

  get size(): number {
    return this.count;
  }

  /** Stores an added or changed object; undefined when this version is already stored. */
  upsert(object: T): StoreChange<T> | undefined {
    const { namespace, name } = identity(object);
    let objects = this.byNamespace.get(namespace);
    if (!objects) {
      objects = new Map();
      this.byNamespace.set(namespace, objects);
    }
    const old = objects.get(name);
    objects.set(name, object);
    if (!old) {
      this.count++;
      return { type: 'add', object };
    }
    if (old.metadata?.resourceVersion && old.metadata.resourceVersion === object.metadata?.resourceVersion) {
      return undefined;
    }
    return { type: 'update', old, object };
  }

  /** Removes an object; the change carries the last known state (undefined when it was not here). */
  remove(object: KubeObject): StoreChange<T> | undefined {
    const { namespace, name } = identity(object);
    const objects = this.byNamespace.get(namespace);
    const old = objects?.get(name);
    if (!objects || !old) return undefined;
    objects.delete(name);
    if (objects.size === 0) this.byNamespace.delete(namespace);
    this.count--;
    return { type: 'delete', object: old };
  }

  /** Replaces everything with a fresh list; returns the adds, updates and deletes that implies. */
  replace(objects: T[]): StoreChange<T>[] {
    const changes: StoreChange<T>[] = [];
    const listed = new Set<string>();
    for (const object of objects) {
      const { namespace, name } = identity(object);
      listed.add(formatKey({ namespace, name }));
      const change = this.upsert(object);
      if (change) changes.push(change);
    }
    for (const object of this.list()) {
      if (!listed.has(formatKey(identity(object)))) {
        const change = this.remove(object);
        if (change) changes.push(change);
      }
    }
    return changes;
  }
}

function identity(object: KubeObject): { namespace: string; name: string } {
  return { namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}

function splitKey(key: string): ObjectKey {
  const slash = key.indexOf('/');
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}
