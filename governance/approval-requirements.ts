// Who must approve an agent version, who did, and who may (pure). Shared by the approval webhook
// (refuse an unapproved version, refuse an approval from outside the role's groups) and the
// ApprovalPolicy audit (pending approvals, versions approved only under an older fingerprint).
// Why approvals are checked by groups at admission: docs/adr/0033-approvals-checked-by-groups-at-admission.md.
import type { AgentApproval } from '../apis/agent-approval.js';
import type { ApprovalPolicy } from '../apis/approval-policy.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import type { ResidencyMode } from '../apis/residency-decision.js';

export interface ApprovalScope {
  /** Namespaces no approval is ever required in (the operator's own, kube-system). */
  exemptNamespaces: ReadonlySet<string>;
}

/** The ApprovalPolicies whose namespaceSelector selects `namespace`, by name; none in an exempt namespace. */
export function approvalPoliciesFor(
  namespace: string,
  namespaceLabels: Readonly<Record<string, string>> | undefined,
  policies: readonly ApprovalPolicy[],
  scope: ApprovalScope,
): ApprovalPolicy[] {
  if (scope.exemptNamespaces.has(namespace)) return [];
  const labels = { 'kubernetes.io/metadata.name': namespace, ...(namespaceLabels ?? {}) };
  return policies
    .filter((p) => !p.metadata?.deletionTimestamp && matchesSelector(p.spec?.namespaceSelector, labels))
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
}

export interface RequiredRole {
  role: string;
  /** Groups whose members may approve as the role (union over the policies naming it). */
  groups: string[];
  /** Policies requiring it. */
  policies: string[];
  /** Strictest mode of those policies. */
  mode: ResidencyMode;
}

const SEVERITY: Record<ResidencyMode, number> = { Enforce: 3, Warn: 2, Audit: 1 };

/** Every role the policies require, by name, in the order the policies list them. */
export function requiredRoles(policies: readonly ApprovalPolicy[]): RequiredRole[] {
  const roles = new Map<string, RequiredRole>();
  for (const policy of policies) {
    const name = policy.metadata?.name ?? '';
    for (const role of policy.spec.roles) {
      const known = roles.get(role.name);
      if (!known) {
        roles.set(role.name, {
          role: role.name,
          groups: [...role.groups],
          policies: [name],
          mode: policy.spec.mode,
        });
        continue;
      }
      for (const group of role.groups) if (!known.groups.includes(group)) known.groups.push(group);
      known.policies.push(name);
      if (SEVERITY[policy.spec.mode] > SEVERITY[known.mode]) known.mode = policy.spec.mode;
    }
  }
  return [...roles.values()];
}

/** The approvals of one version of one agent, by role (the oldest approval of a role stands). */
export function approvalsOf(
  approvals: readonly AgentApproval[],
  namespace: string,
  agent: string,
  version: string,
): Map<string, AgentApproval> {
  const byRole = new Map<string, AgentApproval>();
  const matching = approvals
    .filter(
      (a) =>
        a.metadata?.namespace === namespace &&
        !a.metadata?.deletionTimestamp &&
        a.spec.agent === agent &&
        a.spec.version === version,
    )
    .sort((a, b) => (createdAt(a) < createdAt(b) ? -1 : 1));
  for (const approval of matching)
    if (!byRole.has(approval.spec.role)) byRole.set(approval.spec.role, approval);
  return byRole;
}

export interface VersionApprovals {
  approved: string[];
  missing: RequiredRole[];
}

export function versionApprovals(
  required: readonly RequiredRole[],
  approvals: readonly AgentApproval[],
  namespace: string,
  agent: string,
  version: string,
): VersionApprovals {
  const given = approvalsOf(approvals, namespace, agent, version);
  return {
    approved: required.filter((r) => given.has(r.role)).map((r) => r.role),
    missing: required.filter((r) => !given.has(r.role)),
  };
}

/**
 * The last version of the agent (other than `current`) every required role approved: the version a
 * running workload was approved under before something changed. Undefined when there is none.
 */
export function lastApprovedVersion(
  required: readonly RequiredRole[],
  approvals: readonly AgentApproval[],
  namespace: string,
  agent: string,
  current: string,
): string | undefined {
  const versions = new Map<string, string>();
  for (const a of approvals) {
    if (a.metadata?.namespace !== namespace || a.spec.agent !== agent || a.spec.version === current) continue;
    const at = createdAt(a);
    if ((versions.get(a.spec.version) ?? '') < at) versions.set(a.spec.version, at);
  }
  return [...versions]
    .filter(
      ([version]) => versionApprovals(required, approvals, namespace, agent, version).missing.length === 0,
    )
    .sort(([, a], [, b]) => (a < b ? 1 : -1))[0]?.[0];
}

export interface Requester {
  username?: string | undefined;
  groups?: readonly string[] | undefined;
}

export type ApproverCheck = { allowed: true; policies: string[] } | { allowed: false; message: string };

/**
 * May `requester` create `approval`: the role is one a policy of the namespace requires, the
 * approval names the requester as approver, and the requester is in one of the role's groups.
 */
export function mayApprove(
  approval: Pick<AgentApproval, 'spec'> & { metadata?: { namespace?: string; name?: string } },
  namespace: string,
  policies: readonly ApprovalPolicy[],
  requester: Requester,
): ApproverCheck {
  const what = `AgentApproval ${namespace}/${approval.metadata?.name ?? ''}`;
  const roles = requiredRoles(policies);
  const role = roles.find((r) => r.role === approval.spec.role);
  if (!role) {
    return {
      allowed: false,
      message:
        policies.length === 0
          ? `${what}: no ApprovalPolicy selects namespace ${namespace}, so there is no role "${approval.spec.role}" to approve as`
          : `${what}: spec.role "${approval.spec.role}" is not a role the ApprovalPolicies of namespace ${namespace} ` +
            `(${policies.map((p) => p.metadata?.name).join(', ')}) require; expected one of: ${roles.map((r) => r.role).join(', ')}`,
    };
  }
  const user = requester.username ?? '';
  if (approval.spec.approver !== user) {
    return {
      allowed: false,
      message:
        `${what}: spec.approver is "${approval.spec.approver}" but the request comes from "${user}"; ` +
        'an approval must be created by the approver, as themselves',
    };
  }
  const groups = requester.groups ?? [];
  if (!groups.some((g) => role.groups.includes(g))) {
    return {
      allowed: false,
      message:
        `${what}: user "${user}" may not approve as ${role.role}: none of their groups (${groups.join(', ') || 'none'}) ` +
        `is one of the role's groups (${role.groups.join(', ')}) in ApprovalPolicy ${role.policies.join(', ')}`,
    };
  }
  return { allowed: true, policies: role.policies };
}

function createdAt(approval: AgentApproval): string {
  const at = approval.metadata?.['creationTimestamp'];
  return typeof at === 'string' ? at : '';
}
