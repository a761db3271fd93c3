import type { DataResidencyPolicySpec } from '../data-residency-policy.js';
import type { EffectivePolicy } from '../effective-policy.js';

export type EffectiveResidency = NonNullable<EffectivePolicy['residency']>;

/** The parts of a DataResidencyPolicy spec that apply at run time (no selector, no audit interval). */
export type ResidencySpec = Pick<
  DataResidencyPolicySpec,
  'mode' | 'allowedRegions' | 'allowedJurisdictions' | 'endpoints' | 'unknownEndpoints'
>;

/**
 * DataResidencyPolicy specs that apply to one agent → its residency entry: one policy per spec, and
 * the catalog additions of all of them (first writer of a host wins, as policies are listed).
 * Undefined when no policy applies, so the sidecar allows every target.
 */
export function compileResidency(
  policies: { name: string; spec: ResidencySpec }[],
): EffectiveResidency | undefined {
  if (policies.length === 0) return undefined;
  const endpoints: EffectiveResidency['endpoints'] = [];
  const hosts = new Set<string>();
  for (const { spec } of policies) {
    for (const e of spec.endpoints ?? []) {
      if (hosts.has(e.host)) continue;
      hosts.add(e.host);
      endpoints.push({ host: e.host, region: e.region, jurisdiction: e.jurisdiction });
    }
  }
  return {
    policies: policies.map(({ name, spec }) => ({
      name,
      mode: spec.mode,
      allowedRegions: [...(spec.allowedRegions ?? [])],
      allowedJurisdictions: [...(spec.allowedJurisdictions ?? [])],
      unknownEndpoints: spec.unknownEndpoints,
    })),
    endpoints,
  };
}
