// Whether a flow is allowed, refused or unknown under the residency policies that apply to its
// agent's namespace. LLM endpoints are judged by residency's own rules (apis/residency-decision.ts,
// through the placements of residency/target-placement.ts and apis/pod-destinations.ts), so the map
// never disagrees with admission or the sidecar. Data stores and declared flows are judged here by
// their region the same way, except that a store the map cannot place is "unknown" rather than
// refused: the policies' `unknownEndpoints` speaks of LLM endpoints only. Pure.
import type { EffectiveResidency } from '../apis/compile/residency.js';
import type { ResidencyDecision, ResidencyMode } from '../apis/residency-decision.js';

export type FlowResidency = 'allowed' | 'refused' | 'unknown';

export interface FlowVerdict {
  residency: FlowResidency;
  /** The strictest policy that objects (refused), or why allowed / unknown. */
  policy?: string;
  mode?: ResidencyMode;
  message: string;
}

const SEVERITY: Record<ResidencyMode, number> = { Enforce: 3, Warn: 2, Audit: 1 };

/** A residency decision about an LLM endpoint, as a flow verdict. */
export function verdictOfDecision(
  decision: ResidencyDecision,
  residency: EffectiveResidency | undefined,
  placed: { region?: string | undefined; internal: boolean },
): FlowVerdict {
  if (!decision.allowed) {
    return { residency: 'refused', policy: decision.policy, mode: decision.mode, message: decision.message };
  }
  if (placed.internal)
    return { residency: 'allowed', message: 'cluster-internal: the data stays in the cluster' };
  if (!residency || residency.policies.length === 0) {
    return placed.region === undefined
      ? { residency: 'unknown', message: 'no residency policy applies and the region is unknown' }
      : { residency: 'allowed', message: 'no residency policy applies' };
  }
  return { residency: 'allowed', message: `allowed by ${residency.policies.map((p) => p.name).join(', ')}` };
}

/** A data store or declared flow, by the region and jurisdiction it was placed in. */
export function judgePlace(
  residency: EffectiveResidency | undefined,
  place: { region?: string | undefined; jurisdiction?: string | undefined; internal: boolean },
): FlowVerdict {
  if (place.internal)
    return { residency: 'allowed', message: 'cluster-internal: the data stays in the cluster' };
  if (place.region === undefined && place.jurisdiction === undefined) {
    return { residency: 'unknown', message: 'the region of this destination is unknown' };
  }
  if (!residency || residency.policies.length === 0) {
    return { residency: 'allowed', message: 'no residency policy applies' };
  }
  let objection: FlowVerdict | undefined;
  for (const policy of residency.policies) {
    const allowed =
      (place.region !== undefined && policy.allowedRegions.includes(place.region)) ||
      (place.jurisdiction !== undefined && policy.allowedJurisdictions.includes(place.jurisdiction));
    if (allowed) continue;
    if (objection?.mode && SEVERITY[objection.mode] >= SEVERITY[policy.mode]) continue;
    objection = {
      residency: 'refused',
      policy: policy.name,
      mode: policy.mode,
      message:
        `region ${place.region ?? 'unknown'}${place.jurisdiction ? `, jurisdiction ${place.jurisdiction}` : ''} is not ` +
        `allowed by residency policy "${policy.name}" (mode ${policy.mode})`,
    };
  }
  return (
    objection ?? {
      residency: 'allowed',
      message: `allowed by ${residency.policies.map((p) => p.name).join(', ')}`,
    }
  );
}
