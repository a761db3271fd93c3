import { jurisdictionOfRegion } from './cloud-regions.js';
import type { RESIDENCY_MODES } from './data-residency-policy.js';
import type { EffectivePolicy } from './effective-policy.js';
import { GLOBAL_REGION, placeEndpoint } from './region-catalog.js';

export type ResidencyMode = (typeof RESIDENCY_MODES)[number];

/**
 * Whether traffic to a target may leave for where it goes. Not allowed carries the mode of the
 * policy that objects, so the caller decides what to do: the sidecar refuses only `Enforce` and
 * logs `Warn` / `Audit`; the webhook denies, warns or records.
 */
export type ResidencyDecision =
  | { allowed: true }
  | { allowed: false; mode: ResidencyMode; policy: string; region?: string; message: string };

export interface ResidencyTarget {
  baseUrl: string;
  /** Region declared for a host the catalog cannot place (e.g. a private gateway). */
  region?: string;
  /** Jurisdiction declared with region; default: the jurisdiction of a known cloud region. */
  jurisdiction?: string;
}

const SEVERITY: Record<ResidencyMode, number> = { Enforce: 3, Warn: 2, Audit: 1 };

/**
 * Judges `target` against every residency policy that applies: all must allow it. The catalog's
 * placement wins over a region the target declares; cluster-internal hosts are not egress and are
 * always allowed. When several policies object, the strictest mode answers.
 */
export function residencyDecision(
  residency: EffectivePolicy['residency'],
  target: ResidencyTarget,
): ResidencyDecision {
  if (!residency || residency.policies.length === 0) return { allowed: true };
  const placement = placeEndpoint(target.baseUrl, residency.endpoints ?? []);
  if (placement.internal) return { allowed: true };
  const declared = placement.region === undefined && target.region !== undefined;
  const region = placement.region ?? target.region;
  const jurisdiction = placement.region
    ? placement.jurisdiction
    : (target.jurisdiction ?? (region === undefined ? undefined : jurisdictionOfRegion(region)));

  let objection: Extract<ResidencyDecision, { allowed: false }> | undefined;
  for (const policy of residency.policies) {
    const allowedRegions = policy.allowedRegions ?? [];
    const allowedJurisdictions = policy.allowedJurisdictions ?? [];
    const unknown = region === undefined && jurisdiction === undefined;
    const allowed = unknown
      ? policy.unknownEndpoints === 'Allow'
      : (region !== undefined && allowedRegions.includes(region)) ||
        (jurisdiction !== undefined && allowedJurisdictions.includes(jurisdiction));
    if (allowed) continue;
    if (objection && SEVERITY[objection.mode] >= SEVERITY[policy.mode]) continue;
    const where = unknown
      ? 'unknown region'
      : `region ${region ?? 'unknown'}${jurisdiction ? `, jurisdiction ${jurisdiction}` : ''}${declared ? ', as declared by the target' : ''}${region === GLOBAL_REGION ? ': the provider picks the region of each request' : ''}`;
    const allowList =
      `allowed regions: ${allowedRegions.length ? allowedRegions.join(', ') : 'none'}; ` +
      `allowed jurisdictions: ${allowedJurisdictions.length ? allowedJurisdictions.join(', ') : 'none'}`;
    const hint = unknown
      ? "; the catalog cannot place this host and the policy denies unknown endpoints — add it to the policy's endpoints with its region"
      : '';
    objection = {
      allowed: false,
      mode: policy.mode,
      policy: policy.name,
      ...(region === undefined ? {} : { region }),
      message: `egress to ${placement.host} (${where}) is not allowed by residency policy "${policy.name}" (mode ${policy.mode}; ${allowList})${hint}`,
    };
  }
  return objection ?? { allowed: true };
}
