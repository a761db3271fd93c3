// Carrying out a rotation plan's steps on the Secret's material: new CAs, promotions, a new serving
// certificate. The decisions are made in rotation-plan.ts; this only issues what they ask for.

import {
  type CertifiedKey,
  createCertificateAuthority,
  issueCertificate,
} from '../../runtime/tls/certificate-issuer.js';
import { certificateFacts } from './certificate-facts.js';
import {
  type CertificatePolicy,
  planRotation,
  type TlsPlan,
  type TlsStep,
  validityFrom,
} from './rotation-plan.js';
import {
  caBundleOf,
  readTlsSecret,
  type Secret,
  type TlsMaterial,
  tlsSecret,
  WEBHOOK_TLS_IDENTITY,
} from './webhook-tls-secret.js';

/** Subject of the webhooks' serving certificate; its names are in the SAN. */
export const SERVING_SUBJECT = WEBHOOK_TLS_IDENTITY.servingSubject;

export async function carryOutSteps(
  material: TlsMaterial,
  steps: readonly TlsStep[],
  now: Date,
  policy: CertificatePolicy,
): Promise<TlsMaterial> {
  const result: TlsMaterial = { ...material };
  const identity = policy.identity ?? WEBHOOK_TLS_IDENTITY;
  const newCa = (): Promise<CertifiedKey> =>
    // `<name>@<unix seconds>` as Kubernetes names its self-signed CAs: two generations tell apart.
    createCertificateAuthority(
      `${identity.caName}@${Math.floor(now.getTime() / 1000)}`,
      validityFrom(now, policy.caLifetimeMs),
    );
  for (const step of steps) {
    switch (step) {
      case 'create-ca':
        result.signing = await newCa();
        delete result.next;
        delete result.previous;
        break;
      case 'stage-next-ca':
        result.next = { ...(await newCa()), publishedAt: now };
        break;
      case 'promote-next-ca': {
        if (!result.next) throw new Error('promote-next-ca: no CA is staged');
        const { publishedAt: _published, ...next } = result.next;
        if (result.signing) result.previous = result.signing.certificate;
        result.signing = next;
        delete result.next;
        break;
      }
      case 'drop-previous-ca':
        delete result.previous;
        break;
      case 'issue-serving': {
        const signing = result.signing;
        if (!signing) throw new Error('issue-serving: there is no signing CA');
        result.serving = await issueCertificate(signing, {
          subject: identity.servingSubject,
          usage: 'serverAuth',
          dnsNames: policy.dnsNames,
          ipAddresses: policy.ipAddresses,
          // Never valid beyond the CA that signs it.
          validity: validityFrom(
            now,
            policy.servingLifetimeMs,
            certificateFacts(signing.certificate).notAfter,
          ),
        });
        break;
      }
    }
  }
  return result;
}

export interface SecretTurn {
  plan: TlsPlan;
  /** What the Secret will hold (as read, when the plan has no steps). */
  material: TlsMaterial;
  /** The caBundle of that material. */
  bundle: string;
  /** The Secret to write; undefined when nothing is due. */
  write?: Secret;
}

/**
 * One look at the Secret: what it holds, what is due, and — when something is — the Secret to write
 * (`existing` updated, or a new one). The keeper writes it; the lifecycle test replays it over time.
 */
export async function secretTurn(
  existing: Secret | undefined,
  namespace: string,
  now: Date,
  policy: CertificatePolicy,
): Promise<SecretTurn> {
  const { material, state } = readTlsSecret(existing);
  const plan = planRotation(state, now, policy);
  if (plan.steps.length === 0) return { plan, material, bundle: caBundleOf(material, state, now) };
  const updated = await carryOutSteps(material, plan.steps, now, policy);
  // The bundle is decided on what will be in the Secret: read the new material back as state.
  const identity = policy.identity ?? WEBHOOK_TLS_IDENTITY;
  const { state: updatedState } = readTlsSecret(tlsSecret(namespace, updated, '', undefined, identity));
  const bundle = caBundleOf(updated, updatedState, now);
  return {
    plan,
    material: updated,
    bundle,
    write: tlsSecret(namespace, updated, bundle, existing, identity),
  };
}
