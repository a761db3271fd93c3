// Who may see what in the cockpit. A person signs in with a Kubernetes bearer token; a TokenReview
// says who they are (the token itself is then forgotten), and a SubjectAccessReview per namespace
// says whether they may list TokenBudgets there — the namespaces they may read are the ones shown.
// Sessions live in memory, under a random id in an HttpOnly cookie, for a bounded time.
import { randomBytes } from 'node:crypto';
import { GROUP } from '../../apis/group-version.js';
import type { ApiTransport } from '../../runtime/kube/api-transport.js';

/** Who the API server says a token belongs to. */
export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/**
 * Posts reviews. Not through the KubeClient: a review's metadata must be empty, and the client's
 * fieldManager would make the API server add managedFields, which SubjectAccessReviews refuse.
 */
export type Reviews = Pick<ApiTransport, 'json'>;

interface TokenReview {
  status?: {
    authenticated?: boolean;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
    error?: string;
  };
}

interface SubjectAccessReview {
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

/** What the cockpit asks for a namespace to be shown: list TokenBudgets in it. */
export const NAMESPACE_READ = { verb: 'list', group: GROUP, resource: 'tokenbudgets' } as const;

/** The identity of `token`, or a reason it has none (an unknown, expired or malformed token). */
export async function reviewToken(
  reviews: Reviews,
  token: string,
): Promise<{ identity: Identity } | { problem: string }> {
  const review = await reviews.json<TokenReview>({
    method: 'POST',
    path: '/apis/authentication.k8s.io/v1/tokenreviews',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } },
    describe: 'create tokenreviews.authentication.k8s.io',
  });
  const user = review.status?.user;
  if (!review.status?.authenticated || !user?.username) {
    return {
      problem: `the API server did not accept this token${review.status?.error ? `: ${review.status.error}` : ''}`,
    };
  }
  return {
    identity: {
      username: user.username,
      ...(user.uid ? { uid: user.uid } : {}),
      groups: user.groups ?? [],
      ...(user.extra ? { extra: user.extra } : {}),
    },
  };
}

/** Whether `identity` may `verb` the `resource` of `group` in `namespace` (optionally one `name`). */
export async function mayAccess(
  reviews: Reviews,
  identity: Identity,
  attributes: { namespace: string; verb: string; group: string; resource: string; name?: string },
): Promise<boolean> {
  const review = await reviews.json<SubjectAccessReview>({
    method: 'POST',
    path: '/apis/authorization.k8s.io/v1/subjectaccessreviews',
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: {
        user: identity.username,
        ...(identity.uid ? { uid: identity.uid } : {}),
        groups: identity.groups,
        ...(identity.extra ? { extra: identity.extra } : {}),
        resourceAttributes: attributes,
      },
    },
    describe: `create subjectaccessreviews.authorization.k8s.io (${attributes.verb} ${attributes.resource} in ${attributes.namespace})`,
  });
  return review.status?.allowed === true;
}

/** The namespaces of `candidates` `identity` may read (NAMESPACE_READ), asked in parallel. */
export async function readableNamespaces(
  reviews: Reviews,
  identity: Identity,
  candidates: readonly string[],
): Promise<string[]> {
  const allowed = await Promise.all(
    candidates.map(async (namespace) =>
      (await mayAccess(reviews, identity, { namespace, ...NAMESPACE_READ })) ? namespace : undefined,
    ),
  );
  return allowed.filter((n): n is string => n !== undefined);
}

interface Session {
  identity: Identity;
  expiresAt: number;
  /** The namespaces last found readable, and when. */
  namespaces?: { list: string[]; candidates: string; at: number };
}

export interface SessionOptions {
  /** How long a sign-in lasts; default 8 hours. */
  ttlMs?: number;
  /** How long a namespace answer is trusted before the SubjectAccessReviews are asked again; default 30 s. */
  accessCacheMs?: number;
  /** Sessions kept at most; the oldest go first. Default 1,000. */
  maxSessions?: number;
  now?: () => number;
}

/** Signed-in people by session id, and the namespaces each may read (cached briefly). */
export class Sessions {
  private readonly sessions = new Map<string, Session>();
  private readonly ttlMs: number;
  private readonly accessCacheMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;

  constructor(
    private readonly reviews: Reviews,
    options: SessionOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 8 * 3_600_000;
    this.accessCacheMs = options.accessCacheMs ?? 30_000;
    this.maxSessions = options.maxSessions ?? 1_000;
    this.now = options.now ?? Date.now;
  }

  /** A new session for `identity`; returns its id (the cookie value). */
  open(identity: Identity): string {
    const id = randomBytes(32).toString('base64url');
    if (this.sessions.size >= this.maxSessions) {
      const oldest = this.sessions.keys().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    this.sessions.set(id, { identity, expiresAt: this.now() + this.ttlMs });
    return id;
  }

  close(id: string): void {
    this.sessions.delete(id);
  }

  identity(id: string | undefined): Identity | undefined {
    if (id === undefined) return undefined;
    const session = this.sessions.get(id);
    if (!session) return undefined;
    if (session.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return session.identity;
  }

  /** The namespaces of `candidates` the session's person may read; asked again after accessCacheMs. */
  async namespaces(id: string, candidates: readonly string[]): Promise<string[]> {
    const session = this.sessions.get(id);
    if (!session) return [];
    const key = candidates.join(',');
    const cached = session.namespaces;
    if (cached && cached.candidates === key && this.now() - cached.at < this.accessCacheMs)
      return cached.list;
    const list = await readableNamespaces(this.reviews, session.identity, candidates);
    session.namespaces = { list, candidates: key, at: this.now() };
    return list;
  }
}
