// Which service a request is for, from its method and URL (apis/sidecar-protocol.ts). Pure.
import { BUDGET_LEASES_PATH } from '../apis/budget-lease.js';
import { POLICY_PATH, TRACE_CALLS_PATH, USAGE_PATH } from '../apis/sidecar-protocol.js';
import type { ServiceError } from './service-answer.js';

export type ServiceRoute =
  | { service: 'policy'; namespace: string; agent: string; after: string | undefined; watch: boolean }
  | { service: 'usage' }
  | { service: 'budget-leases' }
  | { service: 'trace-calls'; namespace: string; agent: string }
  | { service: 'none'; error: ServiceError };

export function serviceRoute(method: string | undefined, rawUrl: string | undefined): ServiceRoute {
  let url: URL;
  try {
    url = new URL(rawUrl ?? '/', 'http://governor');
  } catch {
    return none(400, 'invalid_request', `the request URL ${JSON.stringify(rawUrl)} cannot be parsed`);
  }
  const path = url.pathname;
  if (path === USAGE_PATH) {
    return method === 'POST'
      ? { service: 'usage' }
      : none(405, 'method_not_allowed', `${method} ${path} is not served; send usage with POST`, 'POST');
  }
  if (path === BUDGET_LEASES_PATH) {
    return method === 'POST'
      ? { service: 'budget-leases' }
      : none(405, 'method_not_allowed', `${method} ${path} is not served; ask for leases with POST`, 'POST');
  }
  if (path.startsWith(`${TRACE_CALLS_PATH}/`)) {
    if (method !== 'POST') {
      return none(
        405,
        'method_not_allowed',
        `${method} ${path} is not served; count a trace's calls with POST`,
        'POST',
      );
    }
    const segments = path.slice(TRACE_CALLS_PATH.length + 1).split('/');
    const [namespace, agent] = segments.map(decodeSegment);
    if (segments.length !== 2 || !namespace || !agent) {
      return none(
        404,
        'not_found',
        `no such path ${path}: a trace's calls are counted at ${TRACE_CALLS_PATH}/{namespace}/{agent}`,
      );
    }
    return { service: 'trace-calls', namespace, agent };
  }
  if (path.startsWith(`${POLICY_PATH}/`)) {
    if (method !== 'GET') {
      return none(
        405,
        'method_not_allowed',
        `${method} ${path} is not served; read policies with GET`,
        'GET',
      );
    }
    const segments = path.slice(POLICY_PATH.length + 1).split('/');
    const [namespace, agent] = segments.map(decodeSegment);
    if (segments.length !== 2 || !namespace || !agent) {
      return none(
        404,
        'not_found',
        `no such path ${path}: a policy is read at ${POLICY_PATH}/{namespace}/{agent}`,
      );
    }
    const after = url.searchParams.get('after');
    const watch = url.searchParams.get('watch');
    if (watch !== null && watch !== 'true' && watch !== 'false') {
      return none(
        400,
        'invalid_request',
        `the query parameter watch of ${path} is ${JSON.stringify(watch)}; expected true or false`,
      );
    }
    return { service: 'policy', namespace, agent, after: after ?? undefined, watch: watch === 'true' };
  }
  return none(
    404,
    'not_found',
    `no such path ${method} ${path}: the services are GET ${POLICY_PATH}/{namespace}/{agent}, POST ${USAGE_PATH}, POST ${BUDGET_LEASES_PATH} and POST ${TRACE_CALLS_PATH}/{namespace}/{agent}`,
  );
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function none(status: number, code: ServiceError['code'], message: string, allow?: string): ServiceRoute {
  return { service: 'none', error: { status, code, message, ...(allow ? { headers: { allow } } : {}) } };
}
