// The two API calls an informer is made of: a paged, consistent LIST that yields the objects and
// the resourceVersion they are current at, and a WATCH from that version (with bookmarks, ended by
// the server after `timeoutSeconds`, given up on when silent for longer than that).
import { isGone } from '../kube/api-error.js';
import type { ApiTransport } from '../kube/api-transport.js';
import type { KubeObject } from '../kube/kube-object.js';
import { collectionPath, type ResourceType, resourceName } from '../kube/resource-type.js';
import { LineSplitter, parseWatchEvent, type WatchEvent } from './watch-event.js';

export interface Selection {
  /** One namespace; all when undefined. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

export interface Listed<T> {
  items: T[];
  resourceVersion: string;
}

export const listPageSize = 500;

/** Lists everything selected, page by page; an expired continue token restarts it unpaged. */
export async function listAll<T extends KubeObject>(
  transport: ApiTransport,
  resource: ResourceType<T>,
  selection: Selection,
  signal: AbortSignal,
): Promise<Listed<T>> {
  try {
    return await listPages(transport, resource, selection, signal, listPageSize);
  } catch (err) {
    // The continue token outlived etcd's compaction (a very large list); client-go falls back the same way.
    if (isGone(err)) return listPages(transport, resource, selection, signal, undefined);
    throw err;
  }
}

async function listPages<T extends KubeObject>(
  transport: ApiTransport,
  resource: ResourceType<T>,
  selection: Selection,
  signal: AbortSignal,
  limit: number | undefined,
): Promise<Listed<T>> {
  const items: T[] = [];
  let continueToken: string | undefined;
  let resourceVersion = '';
  for (let page = 0; page < 1_000_000; page++) {
    const list = await transport.json<{
      items?: T[] | null;
      metadata?: { resourceVersion?: string; continue?: string };
    }>({
      method: 'GET',
      path: collectionPath(resource, selection.namespace),
      query: {
        labelSelector: selection.labelSelector,
        fieldSelector: selection.fieldSelector,
        limit,
        continue: continueToken,
      },
      signal,
      timeoutMs: 60_000,
      describe: `list ${describeSelection(resource, selection)}`,
    });
    for (const item of list.items ?? []) items.push(item);
    resourceVersion = list.metadata?.resourceVersion ?? resourceVersion;
    continueToken = list.metadata?.continue || undefined;
    if (!continueToken) break;
  }
  return { items, resourceVersion };
}

export interface WatchOptions {
  resourceVersion: string;
  /** The server ends the watch after this long; the client gives up after it plus a margin of silence. */
  timeoutSeconds: number;
  signal: AbortSignal;
}

/** The events of one watch, until the server ends it (normal) or it fails (thrown). */
export async function* watchEvents<T extends KubeObject>(
  transport: ApiTransport,
  resource: ResourceType<T>,
  selection: Selection,
  options: WatchOptions,
): AsyncGenerator<WatchEvent<T>> {
  const chunks = await transport.stream({
    method: 'GET',
    path: collectionPath(resource, selection.namespace),
    query: {
      watch: 1,
      resourceVersion: options.resourceVersion,
      allowWatchBookmarks: true,
      timeoutSeconds: options.timeoutSeconds,
      labelSelector: selection.labelSelector,
      fieldSelector: selection.fieldSelector,
    },
    signal: options.signal,
    idleTimeoutMs: (options.timeoutSeconds + 30) * 1000,
    describe: `watch ${describeSelection(resource, selection)}`,
  });
  const splitter = new LineSplitter();
  for await (const chunk of chunks) {
    for (const line of splitter.push(chunk)) yield parseWatchEvent<T>(line);
  }
  for (const line of splitter.end()) yield parseWatchEvent<T>(line);
}

/** `deployments.apps in team-a with agent label`, for logs and errors. */
export function describeSelection(resource: ResourceType, selection: Selection): string {
  const parts = [resourceName(resource)];
  if (selection.namespace !== undefined) parts.push(`in ${selection.namespace}`);
  if (selection.labelSelector) parts.push(`labels ${selection.labelSelector}`);
  if (selection.fieldSelector) parts.push(`fields ${selection.fieldSelector}`);
  return parts.join(' ');
}
