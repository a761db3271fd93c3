// Who may see what in the cockpit. A person signs in with a Kubernetes bearer token; a TokenReview
// says who they are (the token itself is then forgotten), and a SubjectAccessReview per namespace
// says whether they may list TokenBudgets there — the namespaces they may read are the ones shown.
// Sessions live in memory, under a random id in an HttpOnly cookie, for a bounded time.
import { randomBytes } from 'node:crypto';
import { GROUP } from '../../apis/group-version.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { resourceType } from '../../runtime/kube/resource-type.js';

/** Who the API server says a token belongs to. */
export interface Identity {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

interface TokenReview extends KubeObject {
  spec: { token: string };
  status?: {
    authenticated?: boolean;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
    error?: string;
  };
}

interface SubjectAccessReview extends KubeObject {
  spec: {
    user: string;
    uid?: string;
    groups: string[];
    extra?: Record<string, string[]>;
    resourceAttributes: { namespace?: string; verb: string; group: string; resource: string; name?: string };
  };
  status?: { allowed?: boolean; denied?: boolean; reason?: string };
}

const tokenReviews = resourceType<TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  plural: 'tokenreviews',
  kind: 'TokenReview',
  namespaced: false,
});

const subjectAccessReviews = resourceType<SubjectAccessReview>({
  group: 'authorization.k8s.io',
  version: 'v1',
  plural: 'subjectaccessreviews',
  kind: 'SubjectAccessReview',
  namespaced: false,
});

/** What the cockpit asks for a namespace to be shown: list TokenBudgets in it. */
export const NAMESPACE_READ = { verb: 'list', group: GROUP, resource: 'tokenbudgets' } as const;

/** The identity of `token`, or a reason it has none (an unknown, expired or malformed token). */
export async function reviewToken(
  client: KubeClient,
  token: string,
): Promise<{ identity: Identity } | { problem: string }> {
  const review = await client.create(tokenReviews, { metadata: { name: 'cockpit' }, spec: { token } });
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
  client: KubeClient,
  identity: Identity,
  attributes: { namespace: string; verb: string; group: string; resource: string; name?: string },
): Promise<boolean> {
  const review = await client.create(subjectAccessReviews, {
    metadata: { name: 'cockpit' },
    spec: {
      user: identity.username,
      ...(identity.uid ? { uid: identity.uid } : {}),
      groups: identity.groups,
      ...(identity.extra ? { extra: identity.extra } : {}),
      resourceAttributes: attributes,
    },
  });
  return review.status?.allowed === true;
}

/** The namespaces of `candidates` `identity` may read (NAMESPACE_READ), asked in parallel. */
export async function readableNamespaces(
  client: KubeClient,
  identity: Identity,
  candidates: readonly string[],
): Promise<string[]> {
  const allowed = await Promise.all(
    candidates.map(async (namespace) =>
      (await mayAccess(client, identity, { namespace, ...NAMESPACE_READ })) ? namespace : undefined,
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
    private readonly client: KubeClient,
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
    const list = await readableNamespaces(this.client, session.identity, candidates);
    session.namespaces = { list, candidates: key, at: this.now() };
    return list;
  }
}
