// Reading the AdmissionReview the API server posts: admission.k8s.io/v1 only, with a request that has
// what every handler relies on (uid, kind, resource, operation). Anything else is answered 400 with
// a message that says what was wrong, so a misconfigured webhook (v1beta1, a proxy mangling the
// body) is found from the API server's error at once. Pure.
import type { AdmissionOperation, AdmissionRequest } from '../admission/admission-review.js';

export type ReviewReading = { ok: true; request: AdmissionRequest } | { ok: false; message: string };

const operations: ReadonlySet<string> = new Set<AdmissionOperation>([
  'CREATE',
  'UPDATE',
  'DELETE',
  'CONNECT',
]);

export function readAdmissionReview(body: string): ReviewReading {
  let review: unknown;
  try {
    review = JSON.parse(body);
  } catch (err) {
    return { ok: false, message: `the body is not JSON: ${(err as Error).message}` };
  }
  if (!isObject(review)) return { ok: false, message: 'the body is not a JSON object (an AdmissionReview)' };
  if (review['kind'] !== 'AdmissionReview') {
    return { ok: false, message: `kind is ${quote(review['kind'])}, expected AdmissionReview` };
  }
  if (review['apiVersion'] !== 'admission.k8s.io/v1') {
    return {
      ok: false,
      message: `apiVersion is ${quote(review['apiVersion'])}: only admission.k8s.io/v1 is served (set admissionReviewVersions: [v1])`,
    };
  }
  const request = review['request'];
  if (!isObject(request)) return { ok: false, message: 'the AdmissionReview has no request object' };
  if (typeof request['uid'] !== 'string' || request['uid'] === '') {
    return { ok: false, message: 'request.uid is missing: it must be a non-empty string' };
  }
  if (typeof request['operation'] !== 'string' || !operations.has(request['operation'])) {
    return {
      ok: false,
      message: `request.operation is ${quote(request['operation'])}, expected CREATE, UPDATE, DELETE or CONNECT`,
    };
  }
  for (const field of ['kind', 'resource'] as const) {
    if (!isObject(request[field]))
      return { ok: false, message: `request.${field} is missing: it must be an object` };
  }
  if (!isObject(request['userInfo'])) request['userInfo'] = {};
  return { ok: true, request: request as unknown as AdmissionRequest };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function quote(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}
