// Where a FallbackRoute target sends traffic: the host its endpoint connects to, the region and
// jurisdiction the catalog (built in, plus the additions of the residency policies that apply)
// places it in — or, for a host the catalog cannot place, the region the target declares — and
// whether those policies allow it. Shared by the policy compiler and the FallbackRoute controller. Pure.
import { jurisdictionOfRegion } from '../apis/cloud-regions.js';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { type CatalogAddition, placeEndpoint } from '../apis/region-catalog.js';
import { type ResidencyDecision, residencyDecision } from '../apis/residency-decision.js';

export interface TargetPlacement {
  host: string;
  region?: string;
  jurisdiction?: string;
  /** Cluster-internal: not egress. */
  internal: boolean;
  decision: ResidencyDecision;
}

export function placeTarget(
  target: { endpoint: string; region?: string | undefined },
  residency: EffectivePolicy['residency'],
): TargetPlacement {
  const additions: readonly CatalogAddition[] = residency?.endpoints ?? [];
  const placement = placeEndpoint(target.endpoint, additions);
  const region = placement.region ?? target.region;
  const jurisdiction = placement.region
    ? placement.jurisdiction
    : region === undefined
      ? undefined
      : jurisdictionOfRegion(region);
  const decision = residencyDecision(residency, {
    baseUrl: target.endpoint,
    ...(target.region !== undefined ? { region: target.region } : {}),
  });
  return {
    host: placement.host,
    ...(region !== undefined ? { region } : {}),
    ...(jurisdiction !== undefined ? { jurisdiction } : {}),
    internal: placement.internal,
    decision,
  };
}
