// Where an informer lists and watches from. By default the API server (list-watch.ts); a resource
// kept elsewhere (the usage ledgers in a shared store) gives its own source, so every controller
// reads it from the same cache, requeued by the same events, whatever keeps it.
import type { ApiTransport } from '../kube/api-transport.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { ResourceType } from '../kube/resource-type.js';
import { type Listed, listAll, type Selection, type WatchOptions, watchEvents } from './list-watch.js';
import type { WatchEvent } from './watch-event.js';

export interface ListWatchSource<T extends KubeObject> {
  /** Everything selected, and the version a watch resumes from. */
  list(selection: Selection, signal: AbortSignal): Promise<Listed<T>>;
  /** Changes after `options.resourceVersion`, until the source ends the watch (normal) or fails (thrown). */
  watch(selection: Selection, options: WatchOptions): AsyncIterable<WatchEvent<T>>;
}

/** The API server's LIST and WATCH of `resource`. */
export function apiServerSource<T extends KubeObject>(
  transport: ApiTransport,
  resource: ResourceType<T>,
): ListWatchSource<T> {
  return {
    list: (selection, signal) => listAll(transport, resource, selection, signal),
    watch: (selection, options) => watchEvents(transport, resource, selection, options),
  };
}
