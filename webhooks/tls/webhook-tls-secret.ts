// The Secret `agent-governor-webhook-tls` in the operator's namespace, where every replica finds the
// same CA and serving certificate: its layout, reading it into the rotation state, and writing the
// material back. Pure (PEM parsing only).
//
//   tls.crt / tls.key          serving certificate and key (kubernetes.io/tls)
//   ca.crt / ca.key            the signing CA
//   next-ca.crt / next-ca.key  a CA staged in the bundle, not signing yet (during a CA rotation)
//   previous-ca.crt            the CA that signed before the last rotation (trusted until it expires)
//   ca-bundle.crt              what goes into the webhook configurations' caBundle
//   annotation governor.agents.dev/next-ca-published-at: when the staged CA entered the bundle
import { type Secret, secrets } from '../../runtime/kube/resources.js';
import type { CertifiedKey } from '../../runtime/tls/certificate-issuer.js';
import { certificateFacts, isSignedBy, keyMatches } from './certificate-facts.js';
import { type TlsState, trustedCaRoles } from './rotation-plan.js';

export { type Secret, secrets };

/** The Secret's name; the chart mounts nothing of it, the operator reads it through the API. */
export const WEBHOOK_TLS_SECRET = 'agent-governor-webhook-tls';

/**
 * Whose self-signed certificate a Secret holds: the same layout and rotation serve the admission
 * webhooks and the sidecar services (docs/adr/0036), each with a Secret and CA of its own.
 */
export interface TlsIdentity {
  secretName: string;
  /** Subject of the serving certificate (its names are in the SAN). */
  servingSubject: string;
  /** Common name of the CAs, before `@<unix seconds>`. */
  caName: string;
  /** Label app.kubernetes.io/component of the Secret. */
  component: string;
  /** Names the certificate in log lines and errors. */
  what: string;
}

export const WEBHOOK_TLS_IDENTITY: TlsIdentity = {
  secretName: WEBHOOK_TLS_SECRET,
  servingSubject: 'CN=agent-governor-webhook',
  caName: 'agent-governor-webhook-ca',
  component: 'webhook',
  what: 'webhook certificate',
};
export const NEXT_CA_PUBLISHED_ANNOTATION = 'governor.agents.dev/next-ca-published-at';

/** The PEM material the Secret holds. */
export interface TlsMaterial {
  signing?: CertifiedKey;
  next?: CertifiedKey & { publishedAt: Date };
  previous?: string;
  serving?: CertifiedKey;
}

/** What the Secret holds, as PEM, and as the facts the rotation plan decides on. */
export function readTlsSecret(secret: Secret | undefined): { material: TlsMaterial; state: TlsState } {
  const text = (key: string): string | undefined => {
    const value = secret?.data?.[key];
    return value ? Buffer.from(value, 'base64').toString('utf8') : undefined;
  };
  const material: TlsMaterial = {};
  const state: TlsState = {};
  const caCert = text('ca.crt');
  const caKey = text('ca.key');
  const signing = caCert ? tryFacts(caCert) : undefined;
  if (caCert && signing) {
    state.signing = { facts: signing, hasKey: Boolean(caKey && keyMatches(caCert, caKey)) };
    material.signing = { certificate: caCert, privateKey: caKey ?? '' };
  }
  const nextCert = text('next-ca.crt');
  const nextKey = text('next-ca.key');
  const next = nextCert ? tryFacts(nextCert) : undefined;
  const published = Date.parse(secret?.metadata?.annotations?.[NEXT_CA_PUBLISHED_ANNOTATION] ?? '');
  if (nextCert && next && Number.isFinite(published)) {
    const publishedAt = new Date(published);
    state.next = { facts: next, hasKey: Boolean(nextKey && keyMatches(nextCert, nextKey)), publishedAt };
    material.next = { certificate: nextCert, privateKey: nextKey ?? '', publishedAt };
  }
  const previousCert = text('previous-ca.crt');
  const previous = previousCert ? tryFacts(previousCert) : undefined;
  if (previousCert && previous) {
    state.previous = previous;
    material.previous = previousCert;
  }
  const servingCert = text('tls.crt');
  const servingKey = text('tls.key') ?? '';
  const serving = servingCert ? tryFacts(servingCert) : undefined;
  if (servingCert && serving) {
    state.serving = {
      facts: serving,
      signedBySigning: Boolean(caCert && isSignedBy(servingCert, caCert)),
      keyMatches: keyMatches(servingCert, servingKey),
    };
    material.serving = { certificate: servingCert, privateKey: servingKey };
  }
  return { material, state };
}

/** The caBundle: the PEM of every CA the API server must trust now. */
export function caBundleOf(material: TlsMaterial, state: TlsState, now: Date): string {
  const pems = {
    signing: material.signing?.certificate,
    next: material.next?.certificate,
    previous: material.previous,
  };
  return trustedCaRoles(state, now)
    .map((role) => pems[role]?.trim())
    .filter(Boolean)
    .map((pem) => `${pem}\n`)
    .join('');
}

/**
 * The Secret holding `material`: a new one, or `existing` with its data replaced — its type (which
 * is immutable), resourceVersion (the update is optimistic) and others' labels and annotations kept.
 */
export function tlsSecret(
  namespace: string,
  material: TlsMaterial,
  bundle: string,
  existing?: Secret,
  identity: TlsIdentity = WEBHOOK_TLS_IDENTITY,
): Secret {
  const data: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (value) data[key] = Buffer.from(value, 'utf8').toString('base64');
  };
  put('tls.crt', material.serving?.certificate);
  put('tls.key', material.serving?.privateKey);
  put('ca.crt', material.signing?.certificate);
  put('ca.key', material.signing?.privateKey);
  put('next-ca.crt', material.next?.certificate);
  put('next-ca.key', material.next?.privateKey);
  put('previous-ca.crt', material.previous);
  put('ca-bundle.crt', bundle);
  const annotations = { ...(existing?.metadata?.annotations ?? {}) };
  delete annotations[NEXT_CA_PUBLISHED_ANNOTATION];
  if (material.next) annotations[NEXT_CA_PUBLISHED_ANNOTATION] = material.next.publishedAt.toISOString();
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: existing?.type ?? 'kubernetes.io/tls',
    metadata: {
      ...(existing?.metadata ?? {}),
      name: identity.secretName,
      namespace,
      labels: {
        ...(existing?.metadata?.labels ?? {}),
        'app.kubernetes.io/managed-by': 'agent-governor',
        'app.kubernetes.io/component': identity.component,
      },
      annotations,
    },
    data,
  };
}

function tryFacts(pem: string) {
  try {
    return certificateFacts(pem);
  } catch {
    return undefined;
  }
}
