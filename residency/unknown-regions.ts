// Regions and jurisdictions a DataResidencyPolicy allows that no endpoint can ever be placed in: not
// in the built-in catalog (the named providers, the AWS, Google Cloud and Azure regions that host
// LLM endpoints, `global`) nor in the policy's own `spec.endpoints`. The schema cannot see it; it is most
// often a typo (`eu-west1`), and a policy whose only allowed region is a typo refuses every agent.
// The controller reports it as Stalled (kstatus Failed) and keeps auditing. Pure.
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import { CATALOG_JURISDICTIONS, CATALOG_REGIONS } from '../apis/provider-endpoints.js';

/** What is wrong, naming the field, the value and close known values; undefined when nothing is. */
export function unknownRegionsProblem(spec: DataResidencyPolicy['spec']): string | undefined {
  const regions = new Set([...CATALOG_REGIONS, ...(spec.endpoints ?? []).map((e) => e.region)]);
  const jurisdictions = new Set([
    ...CATALOG_JURISDICTIONS,
    ...(spec.endpoints ?? []).map((e) => e.jurisdiction),
  ]);
  const problems = [
    ...unknown('spec.allowedRegions', spec.allowedRegions, regions, 'region'),
    ...unknown('spec.allowedJurisdictions', spec.allowedJurisdictions, jurisdictions, 'jurisdiction'),
  ];
  if (problems.length === 0) return undefined;
  return (
    `${problems.join('; ')}: no endpoint of the built-in catalog or of spec.endpoints is there, so ` +
    'nothing can ever be allowed by it — fix the spelling or add the endpoint under spec.endpoints'
  );
}

function unknown(
  field: string,
  values: readonly string[] | undefined,
  known: ReadonlySet<string>,
  what: string,
): string[] {
  return (values ?? []).flatMap((value, index) => {
    if (known.has(value)) return [];
    const near = [...known].filter((k) => editDistance(k, value) <= 2).sort();
    const hint = near.length > 0 ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : '';
    return [`${field}[${index}]: ${value} is no ${what} the endpoint catalog knows${hint}`];
  });
}

/** Levenshtein distance, for the "did you mean" of a misspelt region. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}
