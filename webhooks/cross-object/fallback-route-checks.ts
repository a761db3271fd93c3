// What a FallbackRoute's schema cannot see (pure):
// - a target whose region (the catalog's placement, else the region the target declares) a
//   residency policy of the route's namespace forbids: denied in Enforce mode (the sidecar would
//   refuse every call to it and the agent's pods would be denied), warned about in Warn mode,
//   left to the audit in Audit mode;
// - another route of the namespace claiming the same model for the same agents: an agent uses one
//   route per model (the oldest; the others go Stalled), so a route whose agentSelector contains or
//   is contained in the other's is denied, naming both; selectors that only might meet (an agent
//   would need labels of both) are warned about — denying those would refuse routes no agent ever
//   shares (see selector-overlap.ts).
import { compileResidency } from '../../apis/compile/residency.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import type { LabelSelector } from '../../apis/label-selector.js';
import { placeTarget } from '../../residency/target-placement.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import { policiesSelecting } from '../residency/namespace-residency.js';
import { type ObjectFinding, objectName } from './object-findings.js';
import { selectorOverlap } from './selector-overlap.js';

export function fallbackRouteFindings(route: FallbackRoute, view: AdmissionClusterView): ObjectFinding[] {
  return [...targetRegionFindings(route, view), ...modelClaimFindings(route, view)];
}

function targetRegionFindings(route: FallbackRoute, view: AdmissionClusterView): ObjectFinding[] {
  const policies = policiesSelecting(view, route.metadata?.namespace ?? '');
  const residency = compileResidency(policies.map((p) => ({ name: p.metadata?.name ?? '', spec: p.spec })));
  if (!residency) return [];
  const name = objectName('FallbackRoute', route.metadata);
  const findings: ObjectFinding[] = [];
  route.spec.targets.forEach((target, i) => {
    const placed = placeTarget(target, residency);
    const decision = placed.decision;
    if (decision.allowed || decision.mode === 'Audit') return;
    const field = `spec.targets[${i}].endpoint`;
    const where = placed.region === undefined ? 'region unknown' : `region ${placed.region}`;
    findings.push(
      decision.mode === 'Enforce'
        ? {
            key: `residency\n${target.name}\n${target.endpoint}\n${target.region ?? ''}`,
            severity: 'deny',
            reason: 'Forbidden',
            message:
              `${name}: ${field} ${JSON.stringify(target.endpoint)} (target ${target.name}): ${decision.message}. ` +
              'Remove the target or point it at an allowed region.',
          }
        : {
            key: `residency\n${target.name}\n${target.endpoint}`,
            severity: 'warn',
            message: `${name}: ${field} (target ${target.name}) → ${placed.host}, ${where}, is not allowed by residency policy ${decision.policy} (Warn)`,
          },
    );
  });
  return findings;
}

function modelClaimFindings(route: FallbackRoute, view: AdmissionClusterView): ObjectFinding[] {
  const namespace = route.metadata?.namespace ?? '';
  const findings: ObjectFinding[] = [];
  const name = objectName('FallbackRoute', route.metadata);
  for (const other of view.fallbackRoutes(namespace)) {
    const otherName = other.metadata?.name;
    if (otherName === route.metadata?.name || other.metadata?.deletionTimestamp) continue;
    if (other.spec.model !== route.spec.model) continue;
    const overlap = selectorOverlap(route.spec.agentSelector, other.spec.agentSelector);
    if (overlap === 'none') continue;
    const claim =
      `${name}: spec.model ${JSON.stringify(route.spec.model)} with spec.agentSelector ${selectorText(route.spec.agentSelector)}` +
      ` and ${objectName('FallbackRoute', other.metadata)} (agentSelector ${selectorText(other.spec.agentSelector)})`;
    findings.push(
      overlap === 'contains'
        ? {
            key: `claim\n${otherName}`,
            severity: 'deny',
            reason: 'Conflict',
            message:
              `${claim} claim the same model for the same agents; an agent uses one route per model. ` +
              'Change spec.model, or narrow spec.agentSelector so the two routes select different agents.',
          }
        : {
            key: `claim\n${otherName}`,
            severity: 'warn',
            message: `${claim} both claim the model for an agent carrying the labels of both selectors; the older route would win`,
          },
    );
  }
  return findings;
}

/** `{app=chat}`, `{tier in (gold,silver), !legacy}`, `{}` (every agent). */
export function selectorText(selector: LabelSelector | undefined): string {
  if (!selector) return '(none)';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const r of selector.matchExpressions ?? []) {
    if (r.operator === 'Exists') parts.push(r.key);
    else if (r.operator === 'DoesNotExist') parts.push(`!${r.key}`);
    else parts.push(`${r.key} ${r.operator === 'In' ? 'in' : 'notin'} (${(r.values ?? []).join(',')})`);
  }
  return `{${parts.join(', ')}}`;
}
