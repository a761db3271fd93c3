// Where a FallbackRoute target sends traffic: the host its endpoint connects to, the region and
// jurisdiction the catalog (built in, plus the additions of the residency policies that apply)
// places it in — or, for a host the catalog cannot place, the region the target declares — and
// whether those policies allow it. Shared by the policy compiler and the FallbackRoute controller; the
// webhook and the audit also follow a target's endpoint through a Service alias. Pure.
import { jurisdictionOfRegion } from '../apis/cloud-regions.js';
import type { EffectivePolicy } from '../apis/effective-policy.js';
import { endpointHost } from '../apis/endpoint-host.js';
import { type CatalogAddition, placeEndpoint } from '../apis/region-catalog.js';
import { type ResidencyDecision, residencyDecision } from '../apis/residency-decision.js';
import { type AliasContext, aliasTargets, serviceReferenceOf } from '../apis/service-aliases.js';

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

/** A target's placement, and the Service it goes through when its endpoint names one. */
export type PlacedTarget = TargetPlacement & { via?: string };

/**
 * Where a target whose endpoint the catalog cannot place (in the cluster, or unknown) really sends
 * traffic when that endpoint names a Service standing for external hosts (an ExternalName, a
 * Service without selector: apis/service-aliases.ts): each of those hosts, placed like a target of
 * its own (with the target's declared region). Undefined when it names no such Service — then the
 * target's own placement holds; empty when the Service's addresses are all in the cluster.
 */
export function placeTargetThroughServices(
  target: { endpoint: string; region?: string | undefined },
  residency: EffectivePolicy['residency'],
  aliases: AliasContext,
): PlacedTarget[] | undefined {
  const endpoint = endpointHost(target.endpoint);
  const reference = endpoint ? serviceReferenceOf(endpoint) : undefined;
  const targets = reference ? aliasTargets(reference, aliases) : undefined;
  if (!targets) return undefined;
  return targets.map((alias) => ({
    ...placeTarget({ endpoint: alias.text, region: target.region }, residency),
    via: alias.via,
  }));
}
