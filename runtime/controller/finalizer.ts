// A finalizer as two idempotent handlers (kube-rs's `finalizer`): `apply` while the object lives,
// `cleanup` once it is being deleted. The helper keeps the finalizer on the object while it lives —
// so the API server cannot delete it before cleanup ran — and removes it once cleanup says it is
// finished, which lets the deletion complete. Both handlers may run any number of times (a retry, a
// new leader): write them so that running one twice does what running it once does.
//
// The finalizer list is changed with JSON patches that `test` it first, so a concurrent edit of the
// list (another controller's finalizer) fails the patch instead of being overwritten.
import type { JsonPatchOperation, KubeClient } from '../kube/kube-client.js';
import { type KubeObject, keyOf } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-type.js';
import { decide, done, type ReconcileResult } from './reconcile-result.js';

export interface FinalizerHandlers<T> {
  /** The object lives and carries the finalizer (added first when it was missing). */
  apply(object: T): Promise<ReconcileResult>;
  /**
   * The object is being deleted and still carries the finalizer: undo what `apply` did. Return
   * `done` when finished — the finalizer is then removed; any other result (requeue, retry) keeps
   * it and is the reconcile's result.
   */
  cleanup(object: T): Promise<ReconcileResult>;
}

export interface Finalizer<T extends KubeObject> {
  client: KubeClient;
  resource: ResourceType<T>;
  /** `<group>/<what it guards>`, e.g. `governor.agents.dev/restore-workloads`. */
  name: string;
}

/** Which handler an object is for (pure). `none`: deleted without our finalizer — nothing to do. */
export function finalizerStep(
  object: KubeObject,
  name: string,
): 'add-then-apply' | 'apply' | 'cleanup' | 'none' {
  const carries = object.metadata?.finalizers?.includes(name) === true;
  if (object.metadata?.deletionTimestamp) return carries ? 'cleanup' : 'none';
  return carries ? 'apply' : 'add-then-apply';
}

export async function finalizer<T extends KubeObject>(
  target: Finalizer<T>,
  object: T,
  handlers: FinalizerHandlers<T>,
): Promise<ReconcileResult> {
  switch (finalizerStep(object, target.name)) {
    case 'none':
      return done;
    case 'apply':
      return handlers.apply(object);
    case 'add-then-apply':
      return handlers.apply(await addFinalizer(target, object));
    case 'cleanup': {
      const result = await handlers.cleanup(object);
      if (decide({ result }).outcome !== 'success') return result;
      await removeFinalizer(target, object);
      return done;
    }
  }
}

/** The JSON patch adding the finalizer, testing the list (or, without one, the version) it read. */
export function addFinalizerPatch(object: KubeObject, name: string): JsonPatchOperation[] {
  const finalizers = object.metadata?.finalizers;
  if (finalizers) {
    return [
      { op: 'test', path: '/metadata/finalizers', value: finalizers },
      { op: 'add', path: '/metadata/finalizers/-', value: name },
    ];
  }
  return [
    { op: 'test', path: '/metadata/resourceVersion', value: object.metadata?.resourceVersion },
    { op: 'add', path: '/metadata/finalizers', value: [name] },
  ];
}

/** The JSON patch removing the finalizer where the object read holds it; undefined when it holds none. */
export function removeFinalizerPatch(object: KubeObject, name: string): JsonPatchOperation[] | undefined {
  const index = object.metadata?.finalizers?.indexOf(name) ?? -1;
  if (index < 0) return undefined;
  return [
    { op: 'test', path: `/metadata/finalizers/${index}`, value: name },
    { op: 'remove', path: `/metadata/finalizers/${index}` },
  ];
}

async function addFinalizer<T extends KubeObject>(target: Finalizer<T>, object: T): Promise<T> {
  const key = keyOf(object);
  try {
    return await target.client.patch(target.resource, key, {
      type: 'json',
      body: addFinalizerPatch(object, target.name),
    });
  } catch (err) {
    // The cached object may be older than our own earlier write of the finalizer.
    const stored = await target.client.get(target.resource, key);
    if (stored?.metadata?.finalizers?.includes(target.name)) return stored;
    throw err;
  }
}

async function removeFinalizer<T extends KubeObject>(target: Finalizer<T>, object: T): Promise<void> {
  const body = removeFinalizerPatch(object, target.name);
  if (body) await target.client.patch(target.resource, keyOf(object), { type: 'json', body });
}
