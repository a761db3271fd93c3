// Which residency label a namespace carries, so the admission webhooks can select on it: `enforce`
// when at least one Enforce DataResidencyPolicy applies to it, `observe` when only Warn or Audit
// ones do, none when no policy applies (or the namespace is exempt). The residency webhook that
// fails closed selects `enforce` only, so with the operator down only namespaces under an Enforce
// policy refuse workloads (docs/adr/0037-admission-scope-follows-the-policies.md). Pure.
import type { DataResidencyPolicy } from '../apis/data-residency-policy.js';
import { GROUP } from '../apis/group-version.js';
import { type ResidencyScope, residencyPoliciesFor } from './residency-scope.js';

/** Kept on namespaces by the operator; the residency webhooks' namespaceSelectors read it. */
export const RESIDENCY_LABEL = `${GROUP}/residency`;
export const RESIDENCY_ENFORCE = 'enforce';
export const RESIDENCY_OBSERVE = 'observe';
export type ResidencyLabelValue = typeof RESIDENCY_ENFORCE | typeof RESIDENCY_OBSERVE;

export interface ResidencyLabelVerdict {
  /** The label's value, or null: the namespace must not carry it. */
  value: ResidencyLabelValue | null;
  /** The policies that decided it (the Enforce ones when enforced), sorted by name. */
  policies: string[];
}

export function residencyLabelFor(
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  policies: readonly DataResidencyPolicy[],
  scope: ResidencyScope,
): ResidencyLabelVerdict {
  const applying = residencyPoliciesFor(namespace, withoutOwnLabel(namespaceLabels), policies, scope);
  // A policy without a mode is Enforce: that is the schema's default.
  const enforcing = applying.filter((p) => (p.spec?.mode ?? 'Enforce') === 'Enforce');
  const names = (list: DataResidencyPolicy[]) => list.map((p) => p.metadata?.name ?? '');
  if (enforcing.length > 0) return { value: RESIDENCY_ENFORCE, policies: names(enforcing) };
  if (applying.length > 0) return { value: RESIDENCY_OBSERVE, policies: names(applying) };
  return { value: null, policies: [] };
}

/**
 * A policy selecting on the label this very decision writes would chase its own tail (labelled
 * because selected, selected because labelled): the label is not part of what policies select.
 */
function withoutOwnLabel(
  labels: Readonly<Record<string, string>> | undefined,
): Record<string, string> | undefined {
  if (!labels || labels[RESIDENCY_LABEL] === undefined) return labels;
  const { [RESIDENCY_LABEL]: _own, ...rest } = labels;
  return rest;
}
