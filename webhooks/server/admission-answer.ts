// The AdmissionReview the server answers with: a handler's verdict with the request's uid and the
// patch encoded (base64 of the JSON Patch), or the refusal of a handler that failed. Pure.
import type { AdmissionResponse, AdmissionReview, AdmissionVerdict } from '../admission/admission-review.js';

/** What a verdict means for the metrics: allowed as is, allowed with a patch, or denied. */
export type VerdictOutcome = 'allowed' | 'patched' | 'denied';

export function outcomeOf(verdict: AdmissionVerdict): VerdictOutcome {
  if (!verdict.allowed) return 'denied';
  return verdict.patch && verdict.patch.length > 0 ? 'patched' : 'allowed';
}

export function answerReview(uid: string, verdict: AdmissionVerdict): AdmissionReview {
  const response: AdmissionResponse = { uid, allowed: verdict.allowed };
  if (verdict.allowed) {
    if (verdict.patch && verdict.patch.length > 0) {
      response.patchType = 'JSONPatch';
      response.patch = Buffer.from(JSON.stringify(verdict.patch)).toString('base64');
    }
    if (verdict.auditAnnotations && Object.keys(verdict.auditAnnotations).length > 0) {
      response.auditAnnotations = verdict.auditAnnotations;
    }
  } else {
    response.status = { code: verdict.code, reason: verdict.reason, message: verdict.message };
  }
  if (verdict.warnings && verdict.warnings.length > 0) response.warnings = verdict.warnings;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
}

/**
 * The answer of a handler that threw: not allowed, code 500. The server sends it with HTTP status 500,
 * so the API server treats the call as failed and the webhook's failurePolicy decides (Fail: the
 * request is refused with this message; Ignore: it goes through).
 */
export function failedReview(uid: string, handler: string, error: Error): AdmissionReview {
  return answerReview(uid, {
    allowed: false,
    code: 500,
    reason: 'InternalError',
    message: `the agent-governor ${handler} webhook failed: ${error.message}`,
  });
}
