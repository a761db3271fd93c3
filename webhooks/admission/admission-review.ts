// The admission.k8s.io/v1 AdmissionReview the API server sends and expects back, and the shape of
// one webhook handler. The contract between the webhook server (TLS, routing, metrics) and the
// handlers (residency validation, sidecar injection, cross-object checks): a handler is a function
// of the request and a read-only view of the cluster to a response; it never writes.

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

export type AdmissionOperation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  /** e.g. `ephemeralcontainers` for `pods/ephemeralcontainers`. */
  subResource?: string;
  requestKind?: GroupVersionKind;
  requestResource?: GroupVersionResource;
  requestSubResource?: string;
  name?: string;
  namespace?: string;
  operation: AdmissionOperation;
  userInfo: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  object?: unknown;
  oldObject?: unknown;
  /** Side effects (e.g. recording an audit finding) must not happen when true. */
  dryRun?: boolean;
  options?: unknown;
}

export interface AdmissionReview {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code?: number; reason?: string; message?: string };
  /** Base64 of a JSON Patch (RFC 6902); with `patchType: 'JSONPatch'`. */
  patch?: string;
  patchType?: 'JSONPatch';
  /** Shown by kubectl as `Warning: …`; each under 120 characters is best. */
  warnings?: string[];
  auditAnnotations?: Record<string, string>;
}

/** One JSON Patch operation (RFC 6902) a mutating handler returns. */
export type JsonPatchOperation =
  | { op: 'add' | 'replace' | 'test'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** What a handler decides; the server adds `uid`, encodes the patch, and answers. */
export type AdmissionVerdict =
  | {
      allowed: true;
      warnings?: string[];
      patch?: JsonPatchOperation[];
      auditAnnotations?: Record<string, string>;
    }
  | { allowed: false; code: number; reason: string; message: string; warnings?: string[] };

export interface AdmissionHandler {
  /** Kebab-case; used in metrics and logs. */
  name: string;
  /** The HTTPS path the webhook configuration points at, e.g. `/validate/residency`. */
  path: string;
  handle(request: AdmissionRequest): Promise<AdmissionVerdict>;
}
