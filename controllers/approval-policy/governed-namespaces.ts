// Which namespaces carry the label that puts them in the approval webhook's scope (pure): those at
// least one ApprovalPolicy selects (never the exempt ones). The webhook's namespaceSelector asks
// for the label, so a namespace no policy governs is never locked when the operator is down.
import { APPROVALS_GOVERNED_LABEL, type ApprovalPolicy } from '../../apis/approval-policy.js';
import { approvalPoliciesFor } from '../../governance/approval-requirements.js';

export const GOVERNED_VALUE = 'required';

export interface NamespaceLabelChange {
  namespace: string;
  /** The label's new value, or null to remove it. */
  value: typeof GOVERNED_VALUE | null;
}

export function governedNamespaceChanges(
  namespaces: ReadonlyArray<{ name: string; labels: Readonly<Record<string, string>> }>,
  policies: readonly ApprovalPolicy[],
  exemptNamespaces: ReadonlySet<string>,
): NamespaceLabelChange[] {
  const changes: NamespaceLabelChange[] = [];
  for (const { name, labels } of namespaces) {
    const governed = approvalPoliciesFor(name, labels, policies, { exemptNamespaces }).length > 0;
    const labelled = labels[APPROVALS_GOVERNED_LABEL] !== undefined;
    if (governed && labels[APPROVALS_GOVERNED_LABEL] !== GOVERNED_VALUE)
      changes.push({ namespace: name, value: GOVERNED_VALUE });
    else if (!governed && labelled) changes.push({ namespace: name, value: null });
  }
  return changes;
}
