// Whether two label selectors can select the same agent, decided from the selectors alone (the
// admission view holds no workloads). Pure.
//   contains — every agent one selects, the other selects too (identical selectors, `{}`, or one's
//              requirements a subset of the other's): a sure conflict for every agent of the narrower
//   possible — some label set satisfies both (e.g. {team: a} and {tier: gold}): only an agent with
//              both labels would be claimed twice
//   none     — no label set satisfies both ({team: a} and {team: b}; In / NotIn / DoesNotExist clash)
import type { LabelSelector } from '../../apis/label-selector.js';

export type SelectorOverlap = 'contains' | 'possible' | 'none';

type Requirement = NonNullable<LabelSelector['matchExpressions']>[number];

const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

export function selectorOverlap(a: LabelSelector | undefined, b: LabelSelector | undefined): SelectorOverlap {
  // An absent selector selects nothing, and so does an operator the API does not know (as matchesSelector).
  if (!a || !b) return 'none';
  const left = requirementsOf(a);
  const right = requirementsOf(b);
  if (!left || !right || !satisfiable([...left, ...right])) return 'none';
  const leftKeys = new Set(left.map(requirementKey));
  const rightKeys = new Set(right.map(requirementKey));
  const within = (small: Set<string>, large: Set<string>) => [...small].every((k) => large.has(k));
  return within(leftKeys, rightKeys) || within(rightKeys, leftKeys) ? 'contains' : 'possible';
}

/** matchLabels as `In [value]` plus matchExpressions; undefined when an operator is unknown. */
function requirementsOf(selector: LabelSelector): Requirement[] | undefined {
  const requirements: Requirement[] = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({
    key,
    operator: 'In',
    values: [value],
  }));
  for (const requirement of selector.matchExpressions ?? []) {
    if (!OPERATORS.has(requirement.operator)) return undefined;
    requirements.push(requirement);
  }
  return requirements;
}

function requirementKey(r: Requirement): string {
  const values = r.operator === 'In' || r.operator === 'NotIn' ? [...new Set(r.values ?? [])].sort() : [];
  return JSON.stringify([r.key, r.operator, values]);
}

/** Whether one label set meets all `requirements`; keys are independent, so each is decided alone. */
function satisfiable(requirements: readonly Requirement[]): boolean {
  const byKey = new Map<string, Requirement[]>();
  for (const r of requirements) byKey.set(r.key, [...(byKey.get(r.key) ?? []), r]);
  for (const onKey of byKey.values()) {
    const absent = onKey.some((r) => r.operator === 'DoesNotExist');
    const present = onKey.some((r) => r.operator === 'In' || r.operator === 'Exists');
    if (absent && present) return false;
    const ins = onKey.filter((r) => r.operator === 'In').map((r) => new Set(r.values ?? []));
    if (ins.length === 0) continue;
    const excluded = new Set(onKey.filter((r) => r.operator === 'NotIn').flatMap((r) => r.values ?? []));
    const [first, ...rest] = ins;
    const candidates = [...(first ?? [])].filter((v) => !excluded.has(v) && rest.every((set) => set.has(v)));
    if (candidates.length === 0) return false;
  }
  return true;
}
