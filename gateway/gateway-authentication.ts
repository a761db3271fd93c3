// Who is calling the gateway, and for which agent: the agent's key (its projected ServiceAccount
// token, audience agent-governor-gateway) checked by TokenReview through the sidecar services'
// TokenAuthenticator (bounded LRU keyed by the token's hash, never trusted past the token's expiry),
// then the labels of the pod the token is bound to (a GET, cached as briefly), then the claim
// (agent-claim.ts). A caller accepted so is remembered by its key and the agent it names, for as
// long as both its review and its pod's labels are trusted: its next calls skip the hash, the two
// cache reads and the claim (docs/adr/0065-data-plane-profile.md). Needs `create` on tokenreviews
// and `get` on pods.
import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { LRUCache } from 'lru-cache';
import { GATEWAY_TOKEN_AUDIENCE } from '../apis/sidecar-protocol.js';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { pods } from '../runtime/kube/resources.js';
import { bearerToken } from '../sidecar-services/service-account-identity.js';
import type { ServiceError } from '../sidecar-services/service-answer.js';
import {
  TokenAuthenticator,
  type TokenReviewer,
  tokenReviewer,
} from '../sidecar-services/token-authenticator.js';
import { AGENT_HEADER, type AgentRef, claimAgent } from './agent-claim.js';
import { agentKeyAuthorization } from './agent-key.js';

export type GatewayCaller =
  | { ok: true; agent: AgentRef; token: string; cached: boolean }
  | { ok: false; error: ServiceError };

export interface GatewayAuthenticationOptions {
  /** Reads pods; and reviews tokens unless `review` is given. */
  kube: Pick<KubeClient, 'get' | 'create'>;
  review?: TokenReviewer;
  /** Namespaces whose agents this gateway serves; empty: all. */
  namespaces?: readonly string[];
  /**
   * How long a positive review and a pod's labels are trusted (default 10 s): a deleted pod's token
   * is refused at the latest this long after the deletion.
   */
  cacheMs?: number;
  /** Tokens and pods remembered; default 10,000 each. */
  maxEntries?: number;
  onReviewError?: (error: Error) => void;
  /** Monotonic clock of the memory of accepted callers, ms (default performance.now). */
  now?: () => number;
}

interface Accepted {
  authorization: string;
  named: string | undefined;
  caller: GatewayCaller;
  /** Taken from memory until then; re-checked in the background by the first call after `refreshAt`. */
  until: number;
  refreshAt: number;
  refreshing: boolean;
}

/**
 * Share of a caller's trust after which a call has it re-checked in the background: a caller calling
 * at least that often (every 5 s with the default 10-s trust) never waits for the API server, and
 * costs one review and one pod read per half trust.
 */
const REFRESH_AFTER = 0.5;

/** Characters of a key's end that name its slot: a JWT ends in its signature, unique per token. */
const SLOT_TAIL = 32;

/**
 * The slot of a caller in the memory of accepted callers: the end of its key, and the agent it names.
 * Not the whole key: a projected token is about 1 KB, and hashing each call's fresh header string
 * costs V8 several µs (docs/adr/0069-gateway-per-call-path.md). Two keys with one tail share a
 * slot, the later replacing the earlier — a miss, never the other's caller.
 */
function slotOf(authorization: string, named: string | undefined): string {
  const tail = authorization.length > SLOT_TAIL ? authorization.slice(-SLOT_TAIL) : authorization;
  return named === undefined ? tail : `${tail}\u0000${named}`;
}

/** The refusal of a call without a key (one object: it says the same to every such call). */
const MISSING_KEY: GatewayCaller = {
  ok: false,
  error: {
    status: 401,
    code: 'unauthorized',
    message:
      'missing API key: in gateway mode the key is the pod’s projected ServiceAccount token ' +
      `(audience ${GATEWAY_TOKEN_AUDIENCE}), read from the file AGENT_GOVERNOR_TOKEN_FILE names`,
  },
};

export class GatewayAuthentication {
  private readonly tokens: TokenAuthenticator;
  /** Pod uid → its labels, or gone (deleted, or another pod holds its name). */
  private readonly podLabels: LRUCache<string, { labels: Record<string, string> } | { gone: true }>;
  /**
   * Callers accepted, by the tail of their key and the agent named (`slotOf`), until the earlier end
   * of their review's and their pod's trust (monotonic ms); at most `maxEntries`, emptied when full.
   * A slot holds the whole key and name: a call is taken from memory only if both are equal.
   */
  private readonly accepted = new Map<string, Accepted>();
  /** Pod reads in flight, by uid: the calls of one pod whose labels expired share one read. */
  private readonly podReads = new Map<string, Promise<Record<string, string> | undefined>>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(private readonly options: GatewayAuthenticationOptions) {
    const cacheMs = options.cacheMs ?? 10_000;
    this.tokens = new TokenAuthenticator({
      review: options.review ?? tokenReviewer(options.kube as KubeClient),
      audience: GATEWAY_TOKEN_AUDIENCE,
      cacheMs,
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      ...(options.onReviewError ? { onReviewError: options.onReviewError } : {}),
    });
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? (() => performance.now());
    this.podLabels = new LRUCache({ max: this.maxEntries, ttl: cacheMs });
  }

  /** TokenReviews sent so far (a cached token sends none). */
  get reviews(): number {
    return this.tokens.reviews;
  }

  /**
   * The caller's agent and token, or the 401 / 403 / 503 to answer: at once (no promise) for a
   * caller remembered or without a key, else after the review and the pod's labels. A caller past
   * half its trust is still answered from memory while the first such call has it re-checked in the
   * background (a fresh review and pod read): a busy agent's calls never wait for the API server,
   * and none is answered from memory past the trust of the review and pod read it came from.
   */
  authenticate(headers: IncomingHttpHeaders): GatewayCaller | Promise<GatewayCaller> {
    const authorization = agentKeyAuthorization(headers);
    if (!authorization) return MISSING_KEY;
    const header = headers[AGENT_HEADER];
    const named = Array.isArray(header) ? header[0] : header;
    const slot = slotOf(authorization, named);
    const known = this.accepted.get(slot);
    if (known && known.authorization === authorization && known.named === named) {
      const now = this.now();
      if (now < known.until) {
        if (now >= known.refreshAt && !known.refreshing) this.refresh(slot, known);
        return known.caller;
      }
      this.accepted.delete(slot);
    }
    return this.review(authorization, named, slot);
  }

  /**
   * Re-checks a remembered caller: accepted, its memory is renewed (by `review`); refused, it is
   * forgotten, so that its next call gets the refusal; unanswered, it stays until its trust ends.
   */
  private refresh(slot: string, known: Accepted): void {
    known.refreshing = true;
    this.review(known.authorization, known.named, slot, true).then(
      (caller) => {
        if (!caller.ok && caller.error.status !== 503 && this.accepted.get(slot) === known) {
          this.accepted.delete(slot);
        }
      },
      () => undefined,
    );
  }

  /**
   * A caller not remembered: its token reviewed (or its review cached, unless `fresh`), its pod read
   * (likewise), its claim judged; remembered when accepted.
   */
  private async review(
    authorization: string,
    named: string | undefined,
    slot: string,
    fresh = false,
  ): Promise<GatewayCaller> {
    const review = await this.tokens.authenticate(authorization, fresh);
    if (!review.ok) return { ok: false, error: review.error };
    const { identity } = review;
    let labels: Record<string, string> | undefined;
    let trustedMs = review.trustedMs;
    if (identity.pod) {
      try {
        labels = await this.labelsOf(identity.namespace, identity.pod, fresh);
        trustedMs = Math.min(trustedMs, this.podLabels.getRemainingTTL(identity.pod.uid));
      } catch (err) {
        return {
          ok: false,
          error: {
            status: 503,
            code: 'unavailable',
            message: `the pod of the token cannot be read now (${(err as Error).message}); retry`,
            retryAfterSeconds: 2,
          },
        };
      }
    }
    const claim = claimAgent(identity, labels, named, this.options.namespaces);
    if (!claim.ok) return claim;
    const token = bearerToken(authorization) ?? '';
    if (trustedMs > 0) {
      if (this.accepted.size >= this.maxEntries) this.accepted.clear();
      const now = this.now();
      const caller: GatewayCaller = { ok: true, agent: claim.agent, token, cached: true };
      this.accepted.set(slot, {
        authorization,
        named,
        caller,
        until: now + trustedMs,
        refreshAt: now + trustedMs * REFRESH_AFTER,
        refreshing: false,
      });
    }
    return { ok: true, agent: claim.agent, token, cached: review.cached };
  }

  /** The labels of the token's pod, undefined when it is gone; `fresh`: read now, not from the cache. */
  private labelsOf(namespace: string, pod: { name: string; uid: string }, fresh: boolean) {
    const known = fresh ? undefined : this.podLabels.get(pod.uid);
    if (known) return 'gone' in known ? undefined : known.labels;
    let reading = this.podReads.get(pod.uid);
    if (!reading) {
      reading = this.readLabels(namespace, pod).finally(() => this.podReads.delete(pod.uid));
      this.podReads.set(pod.uid, reading);
    }
    return reading;
  }

  private async readLabels(namespace: string, pod: { name: string; uid: string }) {
    const found = await this.options.kube.get(pods, { namespace, name: pod.name });
    // A pod of the same name but another uid is another pod: the token's own is gone.
    const labels = found?.metadata?.uid === pod.uid ? (found.metadata.labels ?? {}) : undefined;
    this.podLabels.set(pod.uid, labels ? { labels } : { gone: true });
    return labels;
  }
}
