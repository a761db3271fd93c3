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
  lastApprovedVersion,
  requiredRoles,
  versionApprovals,
} from '../../governance/approval-requirements.js';

/** Versions listed in status; all are counted. */
export const MAX_LISTED_VERSIONS = 200;

export interface ApprovalAuditInputs {
  policy: ApprovalPolicy;
  /** Approvals created after this (the previous audit) are announced; undefined: the first audit, all are. */
  since?: string | undefined;
  /** The namespaces the policy selects. */
  namespaces: readonly string[];
  /** The agents of those namespaces. */
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
  const grants: AuditNote[] = [];
  const roles = new Set(required.map((r) => r.role));
  // Approvals are announced whether or not their agent runs yet (one approves before deploying).
  for (const namespace of inputs.namespaces) {
    for (const approval of inputs.approvals(namespace)) {
      const created = String(approval.metadata?.['creationTimestamp'] ?? '');
      if (!roles.has(approval.spec.role)) continue;
      // creationTimestamp has whole seconds: an approval of the previous audit's second is announced
      // again rather than missed (the Event joins the first one's series).
      if (
        inputs.since !== undefined &&
        Date.parse(created) < Math.floor(Date.parse(inputs.since) / 1000) * 1000
      ) {
        continue;
      }
      grants.push({
        type: 'Normal',
        reason: 'ApprovalGranted',
        note:
          `${approval.spec.role} approved agent ${approval.spec.agent} in ${namespace}, version ${approval.spec.version}, ` +
          `by ${approval.spec.approver} (AgentApproval ${approval.metadata?.name ?? ''})`,
      });
    }
  }
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
    events: [...grants, ...versionEvents(inputs.policy.status?.versions ?? [], rows)].slice(0, 20),
  };
}

/** A Warning for each workload that now runs a version lacking approvals (once, when that starts). */
function versionEvents(
  before: readonly ApprovalVersionStatus[],
  now: readonly ApprovalVersionStatus[],
): AuditNote[] {
  const previous = new Map(before.map((row) => [`${row.namespace}/${row.workload}`, row]));
  const events: AuditNote[] = [];
  for (const row of now) {
    const was = previous.get(`${row.namespace}/${row.workload}`);
    const where = `${row.workload} in ${row.namespace} (agent ${row.agent}, version ${row.version})`;
    const sameVersion = was?.version === row.version;
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
  return events;
}

function rowKey(row: Pick<ApprovalVersionStatus, 'namespace' | 'workload' | 'version'>): string {
  return `${row.namespace}/${row.workload}@${row.version}`;
}
