// Kubernetes Events (events.k8s.io/v1) about the objects the operator acts on: `kubectl describe`
// and `kubectl events` show them. Recording never blocks or fails a reconcile: writes happen in the
// background, one at a time per aggregation key, and failures are logged and counted. Repeats join
// the series of the last Event (see event-aggregation.ts).
import { randomBytes } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { isNotFound } from '../kube/api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { microTime } from '../kube/micro-time.js';
import { events as eventsResource, type KubeEvent } from '../kube/resources.js';
import { aggregationKey, eventWrite, type RecordedEvent } from './event-aggregation.js';

export type EventType = 'Normal' | 'Warning';

export interface EventNote {
  type: EventType;
  /** Why, in UpperCamelCase: `Suspended`, `BudgetExhausted`, `InvalidTarget`. */
  reason: string;
  /** What was done, in UpperCamelCase: `Scale`, `Suspend`, `Reconcile`. Default: the reason. */
  action?: string;
  /** A sentence for a person (at most 1 KB is kept; repeats joining a series keep the first one's). */
  note: string;
  /** A second object involved (e.g. the TokenBudget that suspended this Deployment). */
  related?: KubeObject;
}

export interface EventRecorder {
  normal(regarding: KubeObject, reason: string, note: string, action?: string): void;
  warning(regarding: KubeObject, reason: string, note: string, action?: string): void;
  record(regarding: KubeObject, event: EventNote): void;
  /** Resolves when every write started so far has finished. */
  flush(): Promise<void>;
}

export interface EventRecorderOptions {
  client: KubeClient;
  /** `governor.agents.dev/<controller>`. */
  reportingController: string;
  /** The operator's identity (pod name). */
  reportingInstance: string;
  log: Logger;
  onRecorded?: (type: EventType, reason: string, outcome: 'created' | 'aggregated' | 'failed') => void;
  now?: () => number;
}

const maxNoteBytes = 1024;

export function createEventRecorder(options: EventRecorderOptions): EventRecorder {
  const recorded = new LRUCache<string, RecordedEvent>({ max: 4096 });
  const chains = new Map<string, Promise<void>>();
  const now = options.now ?? Date.now;

  const write = async (key: string, regarding: KubeObject, event: EventNote): Promise<void> => {
    const at = now();
    const previous = recorded.get(key);
    const decision = eventWrite(previous, at);
    const eventTime = microTime(at);
    const note = truncate(event.note, maxNoteBytes);
    if (decision.kind === 'join-series' && previous) {
      try {
        await options.client.patch(
          eventsResource,
          { namespace: previous.namespace, name: previous.name },
          // The note is immutable: a series keeps the first occurrence's message.
          { type: 'merge', body: { series: { count: decision.count, lastObservedTime: eventTime } } },
        );
        recorded.set(key, { ...previous, count: decision.count, lastSeenAt: at });
        options.onRecorded?.(event.type, event.reason, 'aggregated');
        return;
      } catch (err) {
        // Events expire (1 h by default) or are deleted: start a new one.
        if (!isNotFound(err)) throw err;
      }
    }
    const meta = regarding.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const name = `${meta.name ?? 'object'}.${randomBytes(8).toString('hex')}`;
    const body: KubeEvent = {
      metadata: { namespace, name },
      eventTime,
      type: event.type,
      reason: event.reason,
      action: event.action ?? event.reason,
      note,
      reportingController: options.reportingController,
      reportingInstance: options.reportingInstance,
      regarding: reference(regarding),
      ...(event.related ? { related: reference(event.related) } : {}),
    };
    await options.client.create(eventsResource, body);
    recorded.set(key, { namespace, name, count: 1, lastSeenAt: at });
    options.onRecorded?.(event.type, event.reason, 'created');
  };

  const record = (regarding: KubeObject, event: EventNote) => {
    const key = aggregationKey({
      regarding: { ...regarding.metadata, kind: regarding.kind },
      ...(event.related ? { related: { ...event.related.metadata, kind: event.related.kind } } : {}),
      type: event.type,
      reason: event.reason,
      action: event.action ?? event.reason,
    });
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(() => write(key, regarding, event))
      .catch((err: unknown) => {
        options.onRecorded?.(event.type, event.reason, 'failed');
        options.log.warn(
          { err: err instanceof Error ? err.message : String(err), reason: event.reason },
          `could not record the ${event.reason} event for ${regarding.kind} ${regarding.metadata?.name}`,
        );
      })
      .finally(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    chains.set(key, next);
  };

  return {
    record,
    normal: (regarding, reason, note, action) =>
      record(regarding, { type: 'Normal', reason, note, ...(action ? { action } : {}) }),
    warning: (regarding, reason, note, action) =>
      record(regarding, { type: 'Warning', reason, note, ...(action ? { action } : {}) }),
    flush: async () => {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}

function reference(object: KubeObject) {
  const meta = object.metadata ?? {};
  return {
    apiVersion: object.apiVersion,
    kind: object.kind,
    name: meta.name,
    ...(meta.namespace ? { namespace: meta.namespace } : {}),
    ...(meta.uid ? { uid: meta.uid } : {}),
    ...(meta.resourceVersion ? { resourceVersion: meta.resourceVersion } : {}),
  };
}

function truncate(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes - 3);
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1);
  return `${cut}...`;
}
