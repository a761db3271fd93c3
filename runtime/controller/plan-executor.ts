// The one executor of reconcile plans. A reconcile decides, purely, from what the cache holds and
// the clock, what should change (a plan: the status to write, the objects to patch in order, the
// Events to record) and hands those values here; this is the only part that talks to the API
// server, so what a reconcile does can be read — and tested — as data, and every controller writes
// status, patches and records the same way.
import type { EventNote, EventRecorder } from '../events/event-recorder.js';
import { isConflict, isNotFound } from '../kube/api-error.js';
import type { KubeClient, Patch } from '../kube/kube-client.js';
import type { KubeObject, ObjectKey } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-type.js';
import { type StatusUpdate, statusPatch } from './status-update.js';

/** One planned change to one object. Carry `metadata.resourceVersion` in a merge patch to make it conditional. */
export interface ObjectPatch {
  resource: ResourceType;
  key: ObjectKey;
  patch: Patch;
}

/** What became of planned patches, each in the order given. */
export interface PatchOutcomes<C> {
  applied: C[];
  /** Refused (409) because the object changed since the plan read it: plan again on a fresh view. */
  conflicts: C[];
  /** The object was deleted meanwhile: nothing left to change. */
  gone: C[];
}

/** One Event a plan records. */
export interface PlannedEvent {
  regarding: KubeObject;
  event: EventNote;
}

export class PlanExecutor {
  constructor(private readonly context: { client: KubeClient; events: EventRecorder }) {}

  /** Patches the status subresource when `next` differs from `current`; true when it wrote. */
  async writeStatus<S, T extends KubeObject>(update: StatusUpdate<S, T>): Promise<boolean> {
    const patch = statusPatch(update);
    if (!patch) return false;
    // The client's error names the object and the API server's answer.
    await this.context.client.patchStatus(update.resource, update.key, patch);
    return true;
  }

  /**
   * Applies the patches one after another, in order. A conflict or a deleted object does not stop
   * the rest (each change stands alone); any other failure does, and is thrown. `onApplied` runs
   * after each patch that landed, with the object the API server answered.
   */
  async applyInOrder<C extends ObjectPatch>(
    changes: readonly C[],
    onApplied?: (change: C, updated: KubeObject) => void,
  ): Promise<PatchOutcomes<C>> {
    const outcomes: PatchOutcomes<C> = { applied: [], conflicts: [], gone: [] };
    for (const change of changes) {
      let updated: KubeObject;
      try {
        updated = await this.context.client.patch(change.resource, change.key, change.patch);
      } catch (err) {
        if (isConflict(err)) outcomes.conflicts.push(change);
        else if (isNotFound(err)) outcomes.gone.push(change);
        else throw err;
        continue;
      }
      outcomes.applied.push(change);
      onApplied?.(change, updated);
    }
    return outcomes;
  }

  /** Records the Events (in the background: recording never fails a reconcile). */
  record(events: readonly PlannedEvent[]): void {
    for (const { regarding, event } of events) this.context.events.record(regarding, event);
  }
}
