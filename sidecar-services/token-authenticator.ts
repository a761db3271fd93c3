// Authenticates sidecars by their projected ServiceAccount token: a TokenReview
// (authentication.k8s.io/v1) with the protocol's audience asks the API server, which alone can
// verify the signature, the audience, the expiry and that the pod and ServiceAccount still exist.
// Positive answers are cached briefly (bounded LRU, keyed by a hash of the token, never beyond the
// token's own expiry) and concurrent reviews of one token share one request.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { TOKEN_AUDIENCE } from '../apis/sidecar-protocol.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import type { KubeObject } from '../runtime/kube/kube-object.js';
import { resourceType } from '../runtime/kube/resource-type.js';
import {
  bearerToken,
  type ServiceAccountIdentity,
  serviceAccountOf,
  tokenExpiryMs,
} from './service-account-identity.js';
import type { ServiceError } from './service-answer.js';

/** The status of a TokenReview, as far as it matters here. */
export interface TokenReviewStatus {
  authenticated?: boolean;
  /** `extra` of a pod-bound token names its pod (`authentication.kubernetes.io/pod-name`, `pod-uid`). */
  user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  audiences?: string[];
  error?: string;
}

/** Asks whether `token` is valid for any of `audiences`. */
export type TokenReviewer = (token: string, audiences: readonly string[]) => Promise<TokenReviewStatus>;

const tokenReviews = resourceType<TokenReview>({
  group: 'authentication.k8s.io',
  version: 'v1',
  plural: 'tokenreviews',
  kind: 'TokenReview',
  namespaced: false,
});

interface TokenReview extends KubeObject {
  spec: { token: string; audiences: string[] };
  status?: TokenReviewStatus;
}

/**
 * Reviews tokens through the API server (needs `create` on `tokenreviews.authentication.k8s.io`).
 * A TokenReview is answered, not stored; its name only gives the client the key it wants.
 */
export function tokenReviewer(client: KubeClient): TokenReviewer {
  return async (token, audiences) => {
    const review = await client.create(tokenReviews, {
      metadata: { name: 'sidecar-token' },
      spec: { token, audiences: [...audiences] },
    });
    return review?.status ?? {};
  };
}

export type Authentication =
  | {
      ok: true;
      identity: ServiceAccountIdentity;
      cached: boolean;
      /** How much longer this review is trusted, ms (its cache entry's time left). */
      trustedMs: number;
    }
  | { ok: false; error: ServiceError; review: 'rejected' | 'failed' };

export interface TokenAuthenticatorOptions {
  review: TokenReviewer;
  /** Default TOKEN_AUDIENCE (`agent-governor`). */
  audience?: string;
  /** Other audiences a token may be for (the services also take the gateway's, docs/adr/0059). */
  alsoAccepted?: readonly string[];
  /** How long a positive review is trusted; default 30 s. */
  cacheMs?: number;
  /** Tokens remembered; default 10,000. */
  maxEntries?: number;
  /** TokenReviews in flight at once; beyond, 503 (a flood of unknown tokens must not flood the API server); default 256. */
  maxConcurrentReviews?: number;
  now?: () => number;
  /** Called for each review that failed to get an answer (the API server's error). */
  onReviewError?: (error: Error) => void;
}

export class TokenAuthenticator {
  private readonly cache: LRUCache<string, ServiceAccountIdentity>;
  private readonly inFlight = new Map<string, Promise<Authentication>>();
  private readonly audience: string;
  private readonly audiences: readonly string[];
  private readonly now: () => number;
  /** TokenReviews sent (a cache hit sends none). */
  reviews = 0;

  constructor(private readonly options: TokenAuthenticatorOptions) {
    this.audience = options.audience ?? TOKEN_AUDIENCE;
    this.audiences = [this.audience, ...(options.alsoAccepted ?? [])];
    this.now = options.now ?? Date.now;
    this.cache = new LRUCache({ max: options.maxEntries ?? 10_000, ttl: options.cacheMs ?? 30_000 });
  }

  /**
   * Who sent `authorization`, or the 401 / 403 / 503 to answer. `fresh`: not from the cache — a
   * review is asked (or one in flight joined), as a caller about to outlive its cached review wants.
   */
  async authenticate(authorization: string | undefined, fresh = false): Promise<Authentication> {
    const token = bearerToken(authorization);
    if (!token) {
      return rejected(
        401,
        'unauthorized',
        `missing bearer token: send "Authorization: Bearer <token>" with the pod's projected ServiceAccount token (audience ${this.audience})`,
      );
    }
    const key = createHash('sha256').update(token).digest('base64url');
    const cached = fresh ? undefined : this.cache.get(key);
    if (cached)
      return { ok: true, identity: cached, cached: true, trustedMs: this.cache.getRemainingTTL(key) };
    let pending = this.inFlight.get(key);
    if (!pending && this.inFlight.size >= (this.options.maxConcurrentReviews ?? 256)) {
      return {
        ok: false,
        review: 'failed',
        error: {
          status: 503,
          code: 'unavailable',
          message: `too many tokens being checked at once (${this.inFlight.size}); retry`,
          retryAfterSeconds: 1,
        },
      };
    }
    if (!pending) {
      pending = this.review(key, token).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  private async review(key: string, token: string): Promise<Authentication> {
    this.reviews++;
    let status: TokenReviewStatus;
    try {
      status = await this.options.review(token, this.audiences);
    } catch (err) {
      this.options.onReviewError?.(err as Error);
      return {
        ok: false,
        review: 'failed',
        error: {
          status: 503,
          code: 'unavailable',
          message: `the token cannot be checked now (TokenReview failed: ${(err as Error).message}); retry`,
          retryAfterSeconds: 2,
        },
      };
    }
    if (!status.authenticated) {
      // A refusal outdates a positive review still cached (a fresh review of a known token).
      this.cache.delete(key);
      const reason = status.error ? `: ${status.error}` : '';
      return rejected(401, 'unauthorized', `the bearer token was not accepted by the API server${reason}`);
    }
    if (status.audiences && !status.audiences.some((a) => this.audiences.includes(a))) {
      return rejected(
        401,
        'unauthorized',
        `the bearer token is not for audience ${this.audiences.join(' or ')} (it is for ${status.audiences.join(', ') || 'none'}); ` +
          `project the ServiceAccount token with audience ${this.audience}`,
      );
    }
    const identity = serviceAccountOf(status.user?.username, status.user?.extra);
    if (!identity) {
      return rejected(
        403,
        'forbidden',
        `${status.user?.username ?? 'the caller'} is not a ServiceAccount; only sidecars with their pod's ServiceAccount token may use these services`,
      );
    }
    const expiry = tokenExpiryMs(token);
    const cacheMs = this.options.cacheMs ?? 30_000;
    const ttl = expiry === undefined ? cacheMs : Math.min(cacheMs, expiry - this.now());
    if (ttl > 0) this.cache.set(key, identity, { ttl });
    return { ok: true, identity, cached: false, trustedMs: Math.max(0, ttl) };
  }
}

function rejected(status: 401 | 403, code: 'unauthorized' | 'forbidden', message: string): Authentication {
  return { ok: false, review: 'rejected', error: { status, code, message } };
}

/** The 403 for a token of one namespace acting for an agent of another. */
export function namespaceMismatch(
  identity: ServiceAccountIdentity,
  what: string,
  namespace: string,
): ServiceError {
  return {
    status: 403,
    code: 'forbidden',
    message:
      `ServiceAccount ${identity.namespace}/${identity.serviceAccount} may not ${what} in namespace ${namespace}: ` +
      `a token of namespace ${identity.namespace} acts only for agents in namespace ${identity.namespace}`,
  };
}
