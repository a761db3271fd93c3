// Which agent a call through the gateway is for, and whether its token may act for it. Pure: the
// caller has the TokenReview's identity and the labels of the pod the token is bound to.
//
// A projected token is bound to a pod; the API server refuses it once that pod is gone. The pod's
// agent label (governor.agents.dev/agent) names the one agent the token acts for — the same label
// the sidecar injection reads. The call may name its agent in `x-governor-agent` (its name, or
// namespace/name); a name other than the pod's is refused 403 naming both.
import { AGENT_LABEL } from '../apis/group-version.js';
import type { ServiceAccountIdentity } from '../sidecar-services/service-account-identity.js';
import type { ServiceError } from '../sidecar-services/service-answer.js';

/** The header a call names its agent in. */
export const AGENT_HEADER = 'x-governor-agent';

export interface AgentRef {
  namespace: string;
  name: string;
}

export type AgentClaim = { ok: true; agent: AgentRef } | { ok: false; error: ServiceError };

/**
 * The agent of a call: `identity` from the review, `podLabels` of its bound pod (undefined: the pod
 * was not found), `requested` the header's value, `namespaces` those this gateway serves (empty: all).
 */
export function claimAgent(
  identity: ServiceAccountIdentity,
  podLabels: Readonly<Record<string, string>> | undefined,
  requested: string | undefined,
  namespaces: readonly string[] = [],
): AgentClaim {
  const sa = `ServiceAccount ${identity.namespace}/${identity.serviceAccount}`;
  if (namespaces.length > 0 && !namespaces.includes(identity.namespace)) {
    return forbidden(
      `this gateway serves agents of namespace ${namespaces.join(', ')}, not ${identity.namespace} (${sa}); ` +
        'send the call to the gateway of your namespace or team',
    );
  }
  if (!identity.pod) {
    return forbidden(
      `the token of ${sa} is not bound to a pod; send the projected token the injection mounts ` +
        '(a ServiceAccount token volume with audience agent-governor-gateway), whose pod names the agent',
    );
  }
  const pod = `pod ${identity.namespace}/${identity.pod.name}`;
  if (!podLabels) {
    return unauthorized(
      `${pod}, to which the token is bound, no longer exists; a deleted pod's token is refused`,
    );
  }
  const own = podLabels[AGENT_LABEL];
  if (!own) {
    return forbidden(
      `${pod} of ${sa} has no label ${AGENT_LABEL}: it runs no agent, so its token acts for none`,
    );
  }
  const agent = { namespace: identity.namespace, name: own };
  if (requested === undefined || requested === '') return { ok: true, agent };
  const wanted = requested.includes('/') ? requested : `${identity.namespace}/${requested}`;
  if (wanted === `${agent.namespace}/${agent.name}`) return { ok: true, agent };
  return forbidden(
    `the token of ${pod} (${sa}) acts for agent ${agent.namespace}/${agent.name}, not for agent ${wanted} ` +
      `named in ${AGENT_HEADER}: one agent cannot spend as another`,
  );
}

function forbidden(message: string): AgentClaim {
  return { ok: false, error: { status: 403, code: 'forbidden', message } };
}

function unauthorized(message: string): AgentClaim {
  return { ok: false, error: { status: 401, code: 'unauthorized', message } };
}
