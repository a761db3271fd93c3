import { createRequire } from 'node:module';
import type { Dispatcher, Agent as UndiciAgent, util as undiciUtil } from 'undici';

/**
 * The three parts of undici the sidecar uses — the keep-alive `Agent`, `request` and `headerNameToString` —
 * loaded from undici's own modules instead of its index. The index also loads fetch, WebSocket,
 * EventSource, the caches (SQLite included), the mock agents and the proxy agents, which the sidecar
 * never runs: about 8 MB of resident memory in every agent pod (docs/adr/0016-sidecar-hot-path-costs.md).
 * Same classes, same behaviour; the types are undici's. undici has no `exports` map, so these paths
 * are public; a release that moves them fails `undici-parts.test.ts`.
 */
const require = createRequire(import.meta.url);

/** undici's `Agent`: a keep-alive pool per origin. */
export const Agent = require('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;
export type Agent = UndiciAgent;

/**
 * undici's header name reader (`util.headerNameToString`): a raw name in lower case, a well-known one
 * found in undici's tree of names without a new string.
 */
export const headerNameToString = (require('undici/lib/core/util.js') as typeof undiciUtil)
  .headerNameToString;

type RequestOptions = Omit<Dispatcher.RequestOptions, 'origin' | 'path' | 'method'> & {
  method?: Dispatcher.HttpMethod;
  dispatcher: Dispatcher;
};

const dispatcherRequest = require('undici/lib/api/api-request.js') as (
  this: Dispatcher,
  options: Dispatcher.RequestOptions,
) => Promise<Dispatcher.ResponseData>;

/**
 * undici's `request(url, options)` through `options.dispatcher` (which the sidecar always gives: its
 * operator clients keep agents of their own).
 */
export function request(url: string, options: RequestOptions): Promise<Dispatcher.ResponseData> {
  const { dispatcher, ...rest } = options;
  const target = new URL(url);
  return dispatcherRequest.call(dispatcher, {
    ...rest,
    origin: target.origin,
    path: `${target.pathname}${target.search}`,
    method: options.method ?? 'GET',
  });
}
