// Who is calling the gateway, and for which agent: the agent's key (its projected ServiceAccount
// token, audience agent-governor-gateway) checked by TokenReview through the sidecar services'
// TokenAuthenticator (bounded LRU keyed by the token's hash, never trusted past the token's expiry),
// then the labels of the pod the token is bound to (a GET, cached as briefly), then the claim
// (agent-claim.ts). Needs `create` on tokenreviews and `get` on pods.
import type { IncomingHttpHeaders } from 'node:http';
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
}

export class GatewayAuthentication {
  private readonly tokens: TokenAuthenticator;
  /** Pod uid → its labels, or gone (deleted, or another pod holds its name). */
  private readonly podLabels: LRUCache<string, { labels: Record<string, string> } | { gone: true }>;

  constructor(private readonly options: GatewayAuthenticationOptions) {
    const cacheMs = options.cacheMs ?? 10_000;
    this.tokens = new TokenAuthenticator({
      review: options.review ?? tokenReviewer(options.kube as KubeClient),
      audience: GATEWAY_TOKEN_AUDIENCE,
      cacheMs,
      ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
      ...(options.onReviewError ? { onReviewError: options.onReviewError } : {}),
    });
    this.podLabels = new LRUCache({ max: options.maxEntries ?? 10_000, ttl: cacheMs });
  }

  /** TokenReviews sent so far (a cached token sends none). */
  get reviews(): number {
    return this.tokens.reviews;
  }

  /** The caller's agent and token, or the 401 / 403 / 503 to answer. */
  async authenticate(headers: IncomingHttpHeaders): Promise<GatewayCaller> {
    const authorization = agentKeyAuthorization(headers);
    if (!authorization) {
      return {
        ok: false,
        error: {
          status: 401,
          code: 'unauthorized',
          message:
            'missing API key: in gateway mode the key is the pod’s projected ServiceAccount token ' +
            `(audience ${GATEWAY_TOKEN_AUDIENCE}), read from the file AGENT_GOVERNOR_TOKEN_FILE names`,
        },
      };
    }
    const review = await this.tokens.authenticate(authorization);
    if (!review.ok) return { ok: false, error: review.error };
    const { identity } = review;
    let labels: Record<string, string> | undefined;
    if (identity.pod) {
      try {
        labels = await this.labelsOf(identity.namespace, identity.pod);
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
    const header = headers[AGENT_HEADER];
    const claim = claimAgent(
      identity,
      labels,
      Array.isArray(header) ? header[0] : header,
      this.options.namespaces,
    );
    if (!claim.ok) return claim;
    return { ok: true, agent: claim.agent, token: bearerToken(authorization) ?? '', cached: review.cached };
  }

  private async labelsOf(namespace: string, pod: { name: string; uid: string }) {
    const known = this.podLabels.get(pod.uid);
    if (known) return 'gone' in known ? undefined : known.labels;
    const found = await this.options.kube.get(pods, { namespace, name: pod.name });
    // A pod of the same name but another uid is another pod: the token's own is gone.
    const labels = found?.metadata?.uid === pod.uid ? (found.metadata.labels ?? {}) : undefined;
    this.podLabels.set(pod.uid, labels ? { labels } : { gone: true });
    return labels;
  }
}
