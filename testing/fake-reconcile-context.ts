// A ReconcileContext in memory: caches that are the in-memory client's stores (fake-kube-client.ts),
// recorded client calls and Events, and a clock the test sets. A reconciler runs on it exactly as
// under the runtime — `reconcile(key, context)` — so what it writes, in which order, and what it
// returns can be asserted without an API server.
import { pino } from 'pino';
import type { ReconcileContext } from '../runtime/controller/controller-definition.js';
import type { EventNote, EventRecorder } from '../runtime/events/event-recorder.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import type { ResourceType } from '../runtime/kube/resource-type.js';
import { FakeKubeClient } from './fake-kube-client.js';

/** A clock that moves only when told. */
export class ManualClock {
  private at: number;

  constructor(start: Date | string) {
    this.at = new Date(start).getTime();
  }

  readonly now = (): Date => new Date(this.at);

  advance(ms: number): void {
    this.at += ms;
  }

  set(at: Date | string): void {
    this.at = new Date(at).getTime();
  }
}

/** An Event as recorded: objects named `Kind namespace/name`. */
export interface RecordedEvent extends Omit<EventNote, 'related'> {
  regarding: string;
  related?: string;
}

export class RecordingEventRecorder implements EventRecorder {
  readonly recorded: RecordedEvent[] = [];

  normal(regarding: KubeObject, reason: string, note: string, action?: string): void {
    this.record(regarding, { type: 'Normal', reason, note, ...(action ? { action } : {}) });
  }

  warning(regarding: KubeObject, reason: string, note: string, action?: string): void {
    this.record(regarding, { type: 'Warning', reason, note, ...(action ? { action } : {}) });
  }

  record(regarding: KubeObject, event: EventNote): void {
    const { related, ...rest } = event;
    this.recorded.push({
      ...rest,
      regarding: named(regarding),
      ...(related ? { related: named(related) } : {}),
    });
  }

  /** `Type Reason regarding` lines, in order. */
  reasons(): string[] {
    return this.recorded.map((e) => `${e.type} ${e.reason} ${e.regarding}`);
  }

  async flush(): Promise<void> {}
}

export interface FakeReconcileContext extends ReconcileContext {
  client: FakeKubeClient;
  events: RecordingEventRecorder;
  clock: ManualClock;
  /** Puts objects in the cache (and the client's store) without recording a call. */
  seed<T extends KubeObject>(resource: ResourceType<T>, ...objects: T[]): void;
  /** Ends the leadership term: `signal` fires. */
  endTerm(): void;
}

export function fakeReconcileContext(options: { now?: Date | string } = {}): FakeReconcileContext {
  const clock = new ManualClock(options.now ?? '2025-03-11T12:00:00Z');
  const client = new FakeKubeClient(clock.now);
  const term = new AbortController();
  return {
    client,
    events: new RecordingEventRecorder(),
    clock,
    // Every resource has a cache here; the runtime's throws for one the controller does not watch.
    cache: (resource) => client.store(resource),
    log: pino({ level: 'silent' }),
    signal: term.signal,
    now: clock.now,
    seed: (resource, ...objects) => client.seed(resource, ...objects),
    endTerm: () => term.abort(new Error('the term ended')),
  };
}

function named(object: KubeObject): string {
  const meta = object.metadata ?? {};
  return `${object.kind ?? 'Object'} ${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? ''}`;
}
