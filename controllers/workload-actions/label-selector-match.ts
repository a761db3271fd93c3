// Whether labels satisfy a Kubernetes label selector (matchLabels and matchExpressions, ANDed), as
// the API server judges it: an empty selector selects everything.
import type { LabelSelector } from '../../apis/label-selector.js';

export function selectorMatches(
  selector: LabelSelector | undefined,
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  const have = labels ?? {};
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    if (have[key] !== value) return false;
  }
  for (const requirement of selector?.matchExpressions ?? []) {
    const present = Object.hasOwn(have, requirement.key);
    const value = have[requirement.key];
    const values = requirement.values ?? [];
    switch (requirement.operator) {
      case 'In':
        if (!present || value === undefined || !values.includes(value)) return false;
        break;
      case 'NotIn':
        if (present && value !== undefined && values.includes(value)) return false;
        break;
      case 'Exists':
        if (!present) return false;
        break;
      case 'DoesNotExist':
        if (present) return false;
        break;
    }
  }
  return true;
}
