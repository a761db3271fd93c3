// When the same thing happens to the same object again and again (a budget re-suspending a
// workload every reconcile), one Event with a growing `series.count` tells it better than a flood.
// Like client-go's events.k8s.io recorder: events with the same object, type, reason and action
// within six minutes of the last one join its series; otherwise a new Event starts.

export const seriesWindowMs = 6 * 60_000;

export interface RecordedEvent {
  /** The Event object this occurrence would join. */
  namespace: string;
  name: string;
  /** Occurrences so far (1 for an Event without a series). */
  count: number;
  /** When the last occurrence was recorded (ms since the epoch). */
  lastSeenAt: number;
}

export type EventWrite = { kind: 'create' } | { kind: 'join-series'; count: number };

export function eventWrite(previous: RecordedEvent | undefined, now: number): EventWrite {
  if (!previous || now - previous.lastSeenAt >= seriesWindowMs || now < previous.lastSeenAt) {
    return { kind: 'create' };
  }
  return { kind: 'join-series', count: previous.count + 1 };
}

interface ObjectIdentity {
  uid?: string;
  kind?: string;
  namespace?: string;
  name?: string;
}

export interface EventIdentity {
  regarding: ObjectIdentity;
  /** The second object involved: occurrences about different ones are different Events, as in client-go. */
  related?: ObjectIdentity;
  type: string;
  reason: string;
  action: string;
}

/** Occurrences with the same identity aggregate; the note (message) is not part of it. */
export function aggregationKey(event: EventIdentity): string {
  const object = event.regarding;
  const related = event.related ?? {};
  return [
    object.uid ?? '',
    object.kind ?? '',
    object.namespace ?? '',
    object.name ?? '',
    event.type,
    event.reason,
    event.action,
    related.uid ?? '',
    related.kind ?? '',
    related.namespace ?? '',
    related.name ?? '',
  ].join('\u0000');
}
