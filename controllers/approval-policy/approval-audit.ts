// The audit of one ApprovalPolicy (pure): for every agent workload of the namespaces it selects, the
// version it runs now (governance/agent-version.ts), which of the policy's roles approved that
// version, which are pending, and — when some are — the last version every role approved (the
// workload was approved under an older version: a prompt ConfigMap, a route or an image changed).
// Also the Events a person should see: a role granted, a workload now running a version its
// approvals do not cover.
import type { Agent } from '../../agents/agent-discovery.js';
import { selectRoutes } from '../../agents/route-selection.js';
import type { AgentApproval } from '../../apis/agent-approval.js';
import type { ApprovalPolicy, ApprovalVersionStatus } from '../../apis/approval-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { agentVersion, type ConfigMapContent } from '../../governance/agent-version.js';
import {
  approvalsOf,
  lastApprovedVersion,
  requiredRoles,
  versionApprovals,
} from '../../governance/approval-requirements.js';

/** Versions listed in status; all are counted. */
export const MAX_LISTED_VERSIONS = 200;

export interface ApprovalAuditInputs {
  policy: ApprovalPolicy;
  /** The agents of the namespaces the policy selects. */
  agents: readonly Agent[];
  routes: (namespace: string) => readonly FallbackRoute[];
  configMap: (namespace: string, name: string) => ConfigMapContent | undefined;
  approvals: (namespace: string) => readonly AgentApproval[];
}

export interface AuditNote {
  type: 'Normal' | 'Warning';
  reason: 'ApprovalGranted' | 'VersionNotApproved' | 'ApprovedUnderOlderVersion';
  note: string;
}

export interface ApprovalAudit {
  versions: ApprovalVersionStatus[];
  pendingCount: number;
  staleCount: number;
  events: AuditNote[];
}

export function auditApprovals(inputs: ApprovalAuditInputs): ApprovalAudit {
  const required = requiredRoles([inputs.policy]);
  const rows: ApprovalVersionStatus[] = [];
  const approvers = new Map<string, string>();
  for (const agent of inputs.agents) {
    const routes = selectRoutes(agent, inputs.routes(agent.namespace)).routes;
    const approvals = inputs.approvals(agent.namespace);
    for (const workload of agent.workloads) {
      const { version } = agentVersion({
        template: workload.template,
        annotations: workload.annotations,
        routes,
        configMap: (name) => inputs.configMap(agent.namespace, name),
      });
      const { approved, missing } = versionApprovals(
        required,
        approvals,
        agent.namespace,
        agent.name,
        version,
      );
      const row: ApprovalVersionStatus = {
        namespace: agent.namespace,
        agent: agent.name,
        workload: `${workload.kind}/${workload.name}`,
        version,
        approvedRoles: approved,
        missingRoles: missing.map((r) => r.role),
      };
      if (missing.length > 0) {
        const older = lastApprovedVersion(required, approvals, agent.namespace, agent.name, version);
        if (older) row.approvedVersion = older;
      }
      for (const [role, approval] of approvalsOf(approvals, agent.namespace, agent.name, version)) {
        approvers.set(`${rowKey(row)}\n${role}`, approval.spec.approver);
      }
      rows.push(row);
    }
  }
  rows.sort((a, b) => {
    const pending = Number(b.missingRoles.length > 0) - Number(a.missingRoles.length > 0);
    return pending !== 0 ? pending : rowKey(a).localeCompare(rowKey(b));
  });
  return {
    versions: rows.slice(0, MAX_LISTED_VERSIONS),
    pendingCount: rows.filter((r) => r.missingRoles.length > 0).length,
    staleCount: rows.filter((r) => r.approvedVersion !== undefined).length,
    events: auditEvents(inputs.policy.status?.versions ?? [], rows, approvers),
  };
}

function auditEvents(
  before: readonly ApprovalVersionStatus[],
  now: readonly ApprovalVersionStatus[],
  approvers: ReadonlyMap<string, string>,
): AuditNote[] {
  const previous = new Map(before.map((row) => [`${row.namespace}/${row.workload}`, row]));
  const events: AuditNote[] = [];
  for (const row of now) {
    const was = previous.get(`${row.namespace}/${row.workload}`);
    const where = `${row.workload} in ${row.namespace} (agent ${row.agent}, version ${row.version})`;
    const sameVersion = was?.version === row.version;
    for (const role of row.approvedRoles) {
      if (sameVersion && was?.approvedRoles.includes(role)) continue;
      if (!was && row.missingRoles.length === 0) continue; // first audit of an approved workload: nothing new
      events.push({
        type: 'Normal',
        reason: 'ApprovalGranted',
        note: `${role} approved ${where}, by ${approvers.get(`${rowKey(row)}\n${role}`) ?? 'unknown'}`,
      });
    }
    if (row.missingRoles.length === 0 || (sameVersion && was?.missingRoles.length)) continue;
    if (row.approvedVersion) {
      events.push({
        type: 'Warning',
        reason: 'ApprovedUnderOlderVersion',
        note: `${where} was approved only under version ${row.approvedVersion}; pending: ${row.missingRoles.join(', ')}`,
      });
    } else if (!was || !sameVersion) {
      events.push({
        type: 'Warning',
        reason: 'VersionNotApproved',
        note: `${where} lacks the approval of: ${row.missingRoles.join(', ')}`,
      });
    }
  }
  return events.slice(0, 20);
}

function rowKey(row: Pick<ApprovalVersionStatus, 'namespace' | 'workload' | 'version'>): string {
  return `${row.namespace}/${row.workload}@${row.version}`;
}
