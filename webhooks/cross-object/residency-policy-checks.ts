// A DataResidencyPolicy against the FallbackRoutes that already exist in the namespaces it selects
// (pure): each target it would forbid is warned about, never denied — the policy is the stronger
// statement, and refusing it until every route is fixed would leave the namespaces unprotected
// meanwhile. Exempt namespaces are not selected. Agent workloads are the periodic audit's to list:
// the view holds none. An allowed region or jurisdiction no endpoint can be in (a misspelt region)
// is warned about too; the controller reports it as Stalled.
import { compileResidency } from '../../apis/compile/residency.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { placeTarget } from '../../residency/target-placement.js';
import { unknownRegionsProblem } from '../../residency/unknown-regions.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import { policiesSelecting } from '../residency/namespace-residency.js';
import { type ObjectFinding, objectName } from './object-findings.js';

export function residencyPolicyFindings(
  policy: DataResidencyPolicy,
  view: AdmissionClusterView,
): ObjectFinding[] {
  const policyName = policy.metadata?.name ?? '';
  const residency = compileResidency([{ name: policyName, spec: policy.spec }]);
  const name = objectName('DataResidencyPolicy', policy.metadata);
  const findings: ObjectFinding[] = [];
  const unknown = unknownRegionsProblem(policy.spec);
  if (unknown) findings.push({ key: 'unknown-regions', severity: 'warn', message: `${name}: ${unknown}` });
  const namespaces = [...view.namespaces()].sort((a, b) => a.name.localeCompare(b.name));
  for (const namespace of namespaces) {
    if (policiesSelecting(view, namespace.name, namespace.labels, [policy]).length === 0) continue;
    const routes = [...view.fallbackRoutes(namespace.name)].sort((a, b) =>
      (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''),
    );
    for (const route of routes) {
      route.spec.targets.forEach((target, i) => {
        const placed = placeTarget(target, residency);
        if (placed.decision.allowed) return;
        const where = placed.region === undefined ? 'region unknown' : `region ${placed.region}`;
        findings.push({
          key: `${namespace.name}/${route.metadata?.name}\n${target.name}`,
          severity: 'warn',
          message:
            `${name} (${policy.spec.mode}) forbids ${objectName('FallbackRoute', route.metadata)} ` +
            `spec.targets[${i}] (${target.name}) → ${placed.host}, ${where}`,
        });
      });
    }
  }
  return findings;
}
