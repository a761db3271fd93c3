// Who a sidecar is, from what a TokenReview says about its projected ServiceAccount token. Pure.

export interface ServiceAccountIdentity {
  namespace: string;
  serviceAccount: string;
  /** `system:serviceaccount:<namespace>:<name>`. */
  username: string;
  /** The pod a bound token belongs to (projected tokens are): its name and uid. */
  pod?: { name: string; uid: string };
}

const POD_NAME = 'authentication.kubernetes.io/pod-name';
const POD_UID = 'authentication.kubernetes.io/pod-uid';

const PREFIX = 'system:serviceaccount:';

/** The ServiceAccount a username names, or undefined for any other kind of user. */
export function serviceAccountOf(
  username: string | undefined,
  extra?: Record<string, string[]>,
): ServiceAccountIdentity | undefined {
  if (!username?.startsWith(PREFIX)) return undefined;
  const parts = username.slice(PREFIX.length).split(':');
  if (parts.length !== 2) return undefined;
  const [namespace, serviceAccount] = parts as [string, string];
  if (!namespace || !serviceAccount) return undefined;
  const pod = extra?.[POD_NAME]?.[0];
  const uid = extra?.[POD_UID]?.[0];
  return { namespace, serviceAccount, username, ...(pod && uid ? { pod: { name: pod, uid } } : {}) };
}

/**
 * When a JWT says it expires (its `exp` claim, in ms), read without checking the signature — only
 * to keep a cached review from outliving the token; undefined when the token is not a readable JWT.
 */
export function tokenExpiryMs(token: string): number | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/** The token of an `Authorization: Bearer <token>` header (scheme case-insensitive). */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}
