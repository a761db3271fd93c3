// When the webhook's self-signed certificates change, decided from what the Secret holds and the
// time. Pure: the keeper (webhook-certificate-keeper.ts) reads the Secret, asks, carries the steps
// out and writes the Secret back.
//
// Rotation never fails an admission (docs/adr/0018-webhook-certificate-rotation.md):
// - the serving certificate is renewed at 2/3 of its life, signed by the CA that signs now, which
//   the API server already trusts;
// - a CA is replaced in two steps: at 2/3 of its life a next CA is *staged* — published in the
//   caBundle beside the signing one — and only after `caOverlapMs` (every API server has the new
//   bundle by then) is it *promoted* to sign; the old one stays in the bundle as *previous* until it
//   expires, so replicas still serving a certificate of the old CA stay trusted until they reload.
import type { CertificateFacts } from './certificate-facts.js';
import type { TlsIdentity } from './webhook-tls-secret.js';

export interface CertificatePolicy {
  caLifetimeMs: number;
  servingLifetimeMs: number;
  /** Fraction of a certificate's life after which it is replaced; 2/3. */
  renewAtFraction: number;
  /** How long a staged CA sits in the bundle before it signs. */
  caOverlapMs: number;
  /** Names the serving certificate must carry. */
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
  /**
   * Whose certificate this is: the Secret, the subject and CA names, the component label. Default
   * the admission webhooks' (WEBHOOK_TLS_IDENTITY); the sidecar services keep their own.
   */
  identity?: TlsIdentity;
}

export interface CaState {
  facts: CertificateFacts;
  /** The Secret holds its private key too. */
  hasKey: boolean;
}

export interface TlsState {
  /** The CA that signs serving certificates now. */
  signing?: CaState;
  /** A CA published in the bundle, to sign once the overlap has passed. */
  next?: CaState & { publishedAt: Date };
  /** The CA that signed before the last promotion; trusted until it expires. */
  previous?: CertificateFacts;
  serving?: {
    facts: CertificateFacts;
    signedBySigning: boolean;
    keyMatches: boolean;
  };
}

export type TlsStep =
  /** A new signing CA; next and previous are dropped (nothing of the old trust is usable). */
  | 'create-ca'
  /** A new CA into `next`, published in the bundle from now on. */
  | 'stage-next-ca'
  /** next → signing, signing → previous. */
  | 'promote-next-ca'
  | 'issue-serving'
  | 'drop-previous-ca';

export interface TlsPlan {
  steps: TlsStep[];
  /** Why, one line a step, for the log. */
  reasons: string[];
  /** When the state will next need a step (meaningful when `steps` is empty). */
  nextCheckAt: Date;
}

/** The policy of the operator's defaults: serving 90 days, CA 5 years, renewal at 2/3. */
export function defaultCertificatePolicy(
  names: Pick<CertificatePolicy, 'dnsNames' | 'ipAddresses'>,
): CertificatePolicy {
  const day = 24 * 3600_000;
  return withLifetimes({ ...names, renewAtFraction: 2 / 3 }, 5 * 365 * day, 90 * day);
}

/** The policy with other lifetimes; the CA overlap follows: 1/20 of the CA's life, at most 10 minutes. */
export function withLifetimes(
  policy: Omit<CertificatePolicy, 'caLifetimeMs' | 'servingLifetimeMs' | 'caOverlapMs'>,
  caLifetimeMs: number,
  servingLifetimeMs: number,
): CertificatePolicy {
  return {
    ...policy,
    caLifetimeMs,
    servingLifetimeMs,
    caOverlapMs: Math.min(10 * 60_000, caLifetimeMs / 20),
  };
}

export function planRotation(state: TlsState, now: Date, policy: CertificatePolicy): TlsPlan {
  const steps: TlsStep[] = [];
  const reasons: string[] = [];
  const step = (s: TlsStep, reason: string) => {
    steps.push(s);
    reasons.push(`${s}: ${reason}`);
  };
  const t = now.getTime();
  const times: number[] = [];

  const signingProblem = caProblem(state.signing, t);
  let signing = state.signing;
  let next = state.next;
  let previous = state.previous;
  if (signingProblem) {
    step('create-ca', signingProblem);
    signing = undefined;
    next = undefined;
    previous = undefined;
  } else if (next && caProblem(next, t)) {
    // A staged CA that is unusable is staged again.
    step('stage-next-ca', `the staged CA ${caProblem(next, t)}`);
  } else if (next && t >= next.publishedAt.getTime() + policy.caOverlapMs) {
    step(
      'promote-next-ca',
      `the next CA has been in the bundle since ${next.publishedAt.toISOString()}, longer than the overlap`,
    );
    previous = signing?.facts;
    signing = next;
    next = undefined;
  } else if (next) {
    times.push(next.publishedAt.getTime() + policy.caOverlapMs);
  } else if (signing) {
    const renewAt = renewalTime(signing.facts, policy.renewAtFraction);
    if (t >= renewAt) step('stage-next-ca', `the signing CA is past ${fraction(policy)} of its life`);
    else times.push(renewAt);
  }

  if (previous && t >= previous.notAfter.getTime()) {
    step('drop-previous-ca', `the previous CA expired at ${previous.notAfter.toISOString()}`);
  } else if (previous) {
    times.push(previous.notAfter.getTime());
  }

  const servingProblem =
    signing !== state.signing
      ? 'a new CA signs from now on'
      : servingCertificateProblem(state.serving, t, policy);
  if (servingProblem) step('issue-serving', servingProblem);
  else if (state.serving) times.push(renewalTime(state.serving.facts, policy.renewAtFraction));

  const nextCheck = times.length > 0 ? Math.min(...times) : t + policy.servingLifetimeMs;
  return { steps, reasons, nextCheckAt: new Date(Math.max(nextCheck, t)) };
}

export type CaRole = 'signing' | 'next' | 'previous';

/** The CAs the API server must trust, in bundle order: signing, staged, and previous while valid. */
export function trustedCaRoles(state: TlsState, now: Date): CaRole[] {
  const roles: CaRole[] = [];
  if (state.signing) roles.push('signing');
  if (state.next) roles.push('next');
  if (state.previous && now.getTime() < state.previous.notAfter.getTime()) roles.push('previous');
  return roles;
}

/** When a certificate is due for replacement: `fraction` of the way from notBefore to notAfter. */
export function renewalTime(facts: CertificateFacts, fraction: number): number {
  const from = facts.notBefore.getTime();
  return from + (facts.notAfter.getTime() - from) * fraction;
}

/**
 * Validity of a certificate issued now for `lifetimeMs`: backdated by a tenth of its life (at most
 * five minutes) so an API server whose clock is a little behind accepts it at once.
 */
export function validityFrom(now: Date, lifetimeMs: number, notAfterCap?: Date) {
  const t = now.getTime();
  const notAfter = Math.min(t + lifetimeMs, notAfterCap?.getTime() ?? Number.POSITIVE_INFINITY);
  return { notBefore: new Date(t - Math.min(5 * 60_000, lifetimeMs / 10)), notAfter: new Date(notAfter) };
}

function caProblem(ca: CaState | undefined, t: number): string | undefined {
  if (!ca) return 'there is none yet';
  if (!ca.facts.isCA) return 'is not a CA certificate';
  if (!ca.hasKey) return 'has no private key in the Secret';
  if (t >= ca.facts.notAfter.getTime()) return `expired at ${ca.facts.notAfter.toISOString()}`;
  return undefined;
}

function servingCertificateProblem(
  serving: TlsState['serving'],
  t: number,
  policy: CertificatePolicy,
): string | undefined {
  if (!serving) return 'there is none yet';
  if (!serving.signedBySigning) return 'it is not signed by the signing CA';
  if (!serving.keyMatches) return 'its private key does not belong to it';
  const missing = [
    ...policy.dnsNames.filter((n) => !serving.facts.dnsNames.includes(n)),
    ...policy.ipAddresses.filter((n) => !serving.facts.ipAddresses.includes(n)),
  ];
  if (missing.length > 0) return `it does not name ${missing.join(', ')}`;
  if (t >= renewalTime(serving.facts, policy.renewAtFraction)) {
    return `it is past ${fraction(policy)} of its life (expires ${serving.facts.notAfter.toISOString()})`;
  }
  return undefined;
}

function fraction(policy: CertificatePolicy): string {
  return `${Math.round(policy.renewAtFraction * 100)} %`;
}
