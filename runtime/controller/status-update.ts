// "Patch the status if it changed", decided purely: the status an object carries, the one a
// reconcile wants it to carry, and the patch that takes one to the other — none when they say the
// same. A reconcile runs on every watch event, most of which change nothing the status shows; an
// unchanged status is never written, so it costs no request and wakes no watcher.
import { isDeepStrictEqual } from 'node:util';
import type { Patch } from '../kube/kube-client.js';
import type { KubeObject, ObjectKey } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-type.js';

export interface StatusUpdate<S = unknown, T extends KubeObject = KubeObject> {
  resource: ResourceType<T>;
  key: ObjectKey;
  /** What the object carries: as the plan read it, or as an earlier step of the same plan wrote it. */
  current: S | undefined;
  next: S;
  /**
   * `replace` (default): the whole status, as the JSON patch `add /status` — what `next` leaves out
   * is dropped. `merge`: merged into the stored status (RFC 7386) — what `next` leaves out stays,
   * so `current` need only hold the fields `next` has.
   */
  patch?: 'replace' | 'merge';
}

/** Whether two statuses say the same as JSON: a field set to undefined is no field at all. */
export function sameStatus(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(asJson(a), asJson(b));
}

/** The patch of the status subresource, or undefined when the object already carries `next`. */
export function statusPatch(update: Pick<StatusUpdate, 'current' | 'next' | 'patch'>): Patch | undefined {
  if (sameStatus(update.current, update.next)) return undefined;
  if (update.patch === 'merge') return { type: 'merge', body: { status: update.next } };
  return { type: 'json', body: [{ op: 'add', path: '/status', value: update.next }] };
}

function asJson(value: unknown): unknown {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
