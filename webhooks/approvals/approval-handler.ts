// The approval webhook (`/validate/approvals`), two jobs on one path:
// - AgentApprovals, CREATE and UPDATE, every namespace: only a member of the role's groups may
//   create one, as themselves (spec.approver is the requester's user name); the spec never changes
//   afterwards (a CEL rule of the CRD), so an approval cannot be moved to another version or role.
// - Agent workloads (Deployment, StatefulSet, Job, CronJob), CREATE and UPDATE, in the namespaces an
//   ApprovalPolicy governs (the webhook's namespaceSelector: the label the ApprovalPolicy controller
//   keeps on them): the version the workload would run (governance/agent-version.ts) must carry an
//   approval of every required role — Enforce refuses, naming the version and the missing roles;
//   Warn warns; Audit records an audit annotation. An UPDATE that leaves the version as it was is
//   never refused (scaling, a suspension by a budget, a restart): the running version's approvals are
//   the audit's business (the ApprovalPolicy status lists it).
// Reads the view only (ConfigMaps: the one await); refusals go to `onRefusal`, which records Events
// in the background.

import type { Agent } from '../../agents/agent-discovery.js';
import { WORKLOAD_KINDS, type WorkloadKind } from '../../agents/agent-workload.js';
import { selectRoutes } from '../../agents/route-selection.js';
import type { AgentApproval } from '../../apis/agent-approval.js';
import { AGENT_LABEL, GROUP } from '../../apis/group-version.js';
import { agentVersion, type ConfigMapContent, configMapsReadBy } from '../../governance/agent-version.js';
import {
  approvalPoliciesFor,
  mayApprove,
  requiredRoles,
  versionApprovals,
} from '../../governance/approval-requirements.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type { AdmissionHandler, AdmissionRequest, AdmissionVerdict } from '../admission/admission-review.js';
import { APPROVALS_WEBHOOK } from '../registration/webhook-names.js';
import { type AdmittedWorkload, admittedWorkload } from '../residency/admitted-workload.js';

const ALLOWED: AdmissionVerdict = { allowed: true };
export const APPROVAL_AUDIT_ANNOTATION = 'unapproved-version';

/** A refusal worth an Event on the ApprovalPolicy that asked for it. */
export interface ApprovalRefusal {
  policy: string;
  reason: 'ApprovalForged' | 'VersionNotApproved';
  message: string;
}

export interface ApprovalHandlerOptions {
  /** Called for a refusal (not a dry-run); must not throw or block. */
  onRefusal?: (refusal: ApprovalRefusal) => void;
}

export function approvalHandler(
  view: AdmissionClusterView,
  options: ApprovalHandlerOptions = {},
): AdmissionHandler {
  return {
    name: 'approvals',
    path: APPROVALS_WEBHOOK.path,
    async handle(request: AdmissionRequest): Promise<AdmissionVerdict> {
      if (request.operation !== 'CREATE' && request.operation !== 'UPDATE') return ALLOWED;
      if (request.subResource) return ALLOWED;
      const namespace = request.namespace ?? '';
      if (namespace === '' || view.exemptNamespaces.has(namespace)) return ALLOWED;
      const policies = approvalPoliciesFor(
        namespace,
        view.namespace(namespace)?.labels,
        view.approvalPolicies(),
        { exemptNamespaces: view.exemptNamespaces },
      );
      const refuse = (
        verdict: Extract<AdmissionVerdict, { allowed: false }>,
        reason: ApprovalRefusal['reason'],
      ) => {
        if (request.dryRun !== true) {
          for (const policy of policies) {
            options.onRefusal?.({ policy: policy.metadata?.name ?? '', reason, message: verdict.message });
          }
        }
        return verdict;
      };

      if (request.kind.group === GROUP && request.kind.kind === 'AgentApproval') {
        const approval = request.object as AgentApproval | undefined;
        if (!approval?.spec)
          return badRequest(
            `the AdmissionReview for AgentApproval ${namespace}/${request.name ?? ''} carries no spec`,
          );
        if (
          request.operation === 'UPDATE' &&
          sameSpec(approval, request.oldObject as AgentApproval | undefined)
        ) {
          return ALLOWED;
        }
        const check = mayApprove(approval, namespace, policies, request.userInfo ?? {});
        if (check.allowed) return ALLOWED;
        return refuse(
          { allowed: false, code: 403, reason: 'Forbidden', message: check.message },
          'ApprovalForged',
        );
      }

      const kind = request.kind.kind as WorkloadKind;
      if (!(WORKLOAD_KINDS as readonly string[]).includes(kind) || policies.length === 0) return ALLOWED;
      const workload = admittedWorkload(kind, request.object, namespace);
      if (!workload)
        return badRequest(
          `the AdmissionReview for ${kind} ${namespace}/${request.name ?? ''} carries no object`,
        );
      const agent = workload.labels[AGENT_LABEL];
      if (!agent || workload.deleting) return ALLOWED;

      const version = await versionOf(view, workload, agent);
      if (request.operation === 'UPDATE') {
        const old = admittedWorkload(kind, request.oldObject, namespace);
        if (old && old.labels[AGENT_LABEL] === agent && (await versionOf(view, old, agent)) === version)
          return ALLOWED;
      }
      const required = requiredRoles(policies);
      const { missing } = versionApprovals(
        required,
        view.agentApprovals(namespace),
        namespace,
        agent,
        version,
      );
      if (missing.length === 0) return ALLOWED;

      const enforce = missing.filter((r) => r.mode === 'Enforce');
      const message =
        `${kind} ${namespace}/${workload.name} runs agent ${agent} version ${version}, which lacks the approval of: ` +
        `${missing.map((r) => `${r.role} (groups ${r.groups.join(', ')}; ApprovalPolicy ${r.policies.join(', ')})`).join('; ')}. ` +
        `Each approver creates an AgentApproval with spec.agent ${agent}, spec.version ${version}, spec.role and spec.approver (their user name).`;
      if (enforce.length > 0) {
        return refuse({ allowed: false, code: 403, reason: 'Forbidden', message }, 'VersionNotApproved');
      }
      const warn = missing.filter((r) => r.mode === 'Warn');
      if (warn.length > 0) {
        return {
          allowed: true,
          warnings: [
            `agent ${agent} version ${version} lacks the approval of ${warn.map((r) => r.role).join(', ')} (ApprovalPolicy ${[...new Set(warn.flatMap((r) => r.policies))].join(', ')})`,
          ],
        };
      }
      return {
        allowed: true,
        auditAnnotations: {
          [APPROVAL_AUDIT_ANNOTATION]: `${agent} ${version} missing ${missing.map((r) => r.role).join(',')}`,
        },
      };
    },
  };
}

async function versionOf(
  view: AdmissionClusterView,
  workload: AdmittedWorkload,
  agentName: string,
): Promise<string> {
  const template = {
    metadata: { labels: { ...workload.labels }, annotations: { ...workload.annotations } },
    spec: workload.spec,
  };
  const names = configMapsReadBy(template);
  const contents = await Promise.all(names.map((name) => view.configMapContent(workload.namespace, name)));
  const byName = new Map<string, ConfigMapContent | undefined>(names.map((name, i) => [name, contents[i]]));
  const agent: Agent = {
    namespace: workload.namespace,
    name: agentName,
    critical: false,
    workloads: [
      {
        kind: workload.kind as WorkloadKind,
        namespace: workload.namespace,
        name: workload.name,
        labels: workload.labels,
        critical: false,
        template,
        annotations: workload.workloadAnnotations,
      },
    ],
  };
  return agentVersion({
    template,
    annotations: workload.workloadAnnotations,
    routes: selectRoutes(agent, view.fallbackRoutes(workload.namespace)).routes,
    configMap: (name) => byName.get(name),
  }).version;
}

function sameSpec(a: AgentApproval | undefined, b: AgentApproval | undefined): boolean {
  return JSON.stringify(a?.spec ?? null) === JSON.stringify(b?.spec ?? null);
}

function badRequest(message: string): AdmissionVerdict {
  return { allowed: false, code: 400, reason: 'BadRequest', message };
}
