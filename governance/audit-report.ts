// The audit report's content (pure): agents and versions, approvals (who, role, when, for which
// version), the dataflow map, residency refusals and violations, budget crossings and suspensions,
// SLO attainment per day, retention settings, and what changed since the previous report. Rendered
// by report-html.ts and report-markdown.ts; `agent-governor audit report` reads the cluster for it.
import type { Agent } from '../agents/agent-discovery.js';
import type { AgentApproval } from '../apis/agent-approval.js';
import type { AgentSLO } from '../apis/agent-slo.js';
import type { ApprovalPolicy } from '../apis/approval-policy.js';
import type { DataResidencyPolicy, ResidencyRefusal } from '../apis/data-residency-policy.js';
import { matchesSelector } from '../apis/label-selector-match.js';
import { settleLedger } from '../apis/ledger/apply-batch.js';
import type { RetentionPolicy } from '../apis/retention-policy.js';
import type { TokenBudget } from '../apis/token-budget.js';
import type { AgentUsageLedger } from '../apis/usage-ledger.js';
import type { DataflowMap, MapFlow } from './dataflow-map.js';
import { type RetentionSetting, retentionSettings } from './retention-settings.js';
import { type DayAttainment, sloAttainmentByDay } from './slo-attainment.js';

export const REPORT_KIND = 'AgentGovernorAuditReport';

/** An Event as the report reads it. */
export interface ReportEvent {
  time: string;
  type: string;
  reason: string;
  note: string;
  object: string;
  namespace?: string;
}

export interface AuditReport {
  kind: typeof REPORT_KIND;
  version: 1;
  generatedAt: string;
  period: { since?: string; until: string };
  cluster?: string;
  agents: Array<{
    id: string;
    critical: boolean;
    workloads: Array<{
      kind: string;
      name: string;
      version: string;
      images: string[];
      configMaps: Record<string, string>;
      models: string[];
    }>;
  }>;
  approvalPolicies: Array<{
    name: string;
    mode: string;
    roles: Array<{ name: string; groups: string[] }>;
    pendingCount: number;
    staleCount: number;
  }>;
  /** Pending approvals and workloads approved only under an older version. */
  pending: Array<{
    policy: string;
    namespace: string;
    agent: string;
    workload: string;
    version: string;
    missingRoles: string[];
    approvedVersion?: string;
  }>;
  approvals: Array<{
    namespace: string;
    name: string;
    agent: string;
    version: string;
    role: string;
    approver: string;
    at: string;
    comment?: string;
    inPeriod: boolean;
  }>;
  map: DataflowMap;
  residency: {
    policies: Array<{
      name: string;
      mode: string;
      allowed: string;
      violationCount: number;
      refusalCount: number;
    }>;
    refusals: Array<ResidencyRefusal & { policy: string }>;
    violations: Array<{
      policy: string;
      workload: string;
      source: string;
      endpoint: string;
      region?: string;
    }>;
  };
  budgets: Array<{
    id: string;
    phase: string;
    percent?: number;
    usedTokens?: number;
    limitTokens?: number;
    periodEnd?: string;
  }>;
  /** Budget crossings, suspensions and restorations, SLO fast burns, in the period. */
  events: ReportEvent[];
  slos: Array<{ id: string; objectives: string; errorBudgetRemaining?: string; days: DayAttainment[] }>;
  retention: RetentionSetting[];
  changes?: { since: string; items: string[] };
  notes: string[];
}

export interface AuditInputs {
  now: Date;
  since?: Date;
  until?: Date;
  cluster?: string;
  map: DataflowMap;
  agents: readonly Agent[];
  approvals: readonly AgentApproval[];
  approvalPolicies: readonly ApprovalPolicy[];
  residencyPolicies: readonly DataResidencyPolicy[];
  budgets: readonly TokenBudget[];
  slos: readonly AgentSLO[];
  ledgers: readonly AgentUsageLedger[];
  events: readonly ReportEvent[];
  retention: readonly RetentionPolicy[];
  previous?: AuditReport;
  notes?: readonly string[];
}

/** Events about budgets and SLOs a yearly review asks about. */
export const REPORTED_EVENT_REASONS = new Set([
  'ThresholdReached',
  'BudgetExhausted',
  'Suspended',
  'Restored',
  'FastBurn',
  'FastBurnCleared',
  'ResidencyRefused',
  'ResidencyViolation',
  'ApprovalForged',
  'VersionNotApproved',
  'ApprovedUnderOlderVersion',
  'ApprovalGranted',
  'RetentionEnforced',
]);

export function buildAuditReport(inputs: AuditInputs): AuditReport {
  const until = inputs.until ?? inputs.now;
  const inPeriod = (time: string | undefined) => {
    if (!time) return false;
    const at = Date.parse(time);
    return at <= until.getTime() && (!inputs.since || at >= inputs.since.getTime());
  };
  const report: AuditReport = {
    kind: REPORT_KIND,
    version: 1,
    generatedAt: inputs.now.toISOString(),
    period: { ...(inputs.since ? { since: inputs.since.toISOString() } : {}), until: until.toISOString() },
    ...(inputs.cluster ? { cluster: inputs.cluster } : {}),
    agents: inputs.map.agents.map((a) => ({
      id: a.id,
      critical: a.critical,
      workloads: a.workloads.map((w) => ({
        kind: w.kind,
        name: w.name,
        version: w.version,
        images: w.parts.images,
        configMaps: w.parts.configMaps,
        models: w.parts.models,
      })),
    })),
    approvalPolicies: inputs.approvalPolicies.map((p) => ({
      name: p.metadata?.name ?? '',
      mode: p.spec.mode,
      roles: p.spec.roles.map((r) => ({ name: r.name, groups: [...r.groups] })),
      pendingCount: p.status?.pendingCount ?? 0,
      staleCount: p.status?.staleCount ?? 0,
    })),
    pending: inputs.approvalPolicies.flatMap((p) =>
      (p.status?.versions ?? [])
        .filter((v) => v.missingRoles.length > 0)
        .map((v) => ({
          policy: p.metadata?.name ?? '',
          namespace: v.namespace,
          agent: v.agent,
          workload: v.workload,
          version: v.version,
          missingRoles: v.missingRoles,
          ...(v.approvedVersion ? { approvedVersion: v.approvedVersion } : {}),
        })),
    ),
    approvals: inputs.approvals
      .map((a) => {
        const at = String(a.metadata?.['creationTimestamp'] ?? '');
        return {
          namespace: a.metadata?.namespace ?? '',
          name: a.metadata?.name ?? '',
          agent: a.spec.agent,
          version: a.spec.version,
          role: a.spec.role,
          approver: a.spec.approver,
          at,
          ...(a.spec.comment ? { comment: a.spec.comment } : {}),
          inPeriod: inPeriod(at),
        };
      })
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.name.localeCompare(b.name))),
    map: inputs.map,
    residency: {
      policies: inputs.residencyPolicies.map((p) => ({
        name: p.metadata?.name ?? '',
        mode: p.spec.mode,
        allowed: [...(p.spec.allowedRegions ?? []), ...(p.spec.allowedJurisdictions ?? [])].join(', '),
        violationCount: p.status?.violationCount ?? 0,
        refusalCount: p.status?.refusalCount ?? 0,
      })),
      refusals: inputs.residencyPolicies
        .flatMap((p) => (p.status?.refusals ?? []).map((r) => ({ ...r, policy: p.metadata?.name ?? '' })))
        .filter((r) => inPeriod(r.time))
        .sort((a, b) => (a.time < b.time ? -1 : 1)),
      violations: inputs.residencyPolicies.flatMap((p) =>
        (p.status?.violations ?? []).map((v) => ({
          policy: p.metadata?.name ?? '',
          workload: `${v.kind} ${v.namespace}/${v.name}`,
          source: `${v.container ? `container ${v.container}, ` : ''}${v.source}`,
          endpoint: v.endpoint,
          ...(v.region ? { region: v.region } : {}),
        })),
      ),
    },
    budgets: inputs.budgets.map((b) => ({
      id: `${b.metadata?.namespace}/${b.metadata?.name}`,
      phase: b.status?.phase ?? 'Unknown',
      ...(b.status?.percent !== undefined ? { percent: b.status.percent } : {}),
      ...(b.status?.used?.tokens !== undefined ? { usedTokens: b.status.used.tokens } : {}),
      ...(b.spec.limits.tokens !== undefined ? { limitTokens: b.spec.limits.tokens } : {}),
      ...(b.status?.periodEnd ? { periodEnd: b.status.periodEnd } : {}),
    })),
    events: inputs.events
      .filter((e) => REPORTED_EVENT_REASONS.has(e.reason) && inPeriod(e.time))
      .sort((a, b) => (a.time < b.time ? -1 : 1)),
    slos: inputs.slos.map((slo) => {
      const namespace = slo.metadata?.namespace ?? '';
      const agents = inputs.agents.filter(
        (a) =>
          a.namespace === namespace &&
          a.workloads.some((w) => matchesSelector(slo.spec.agentSelector, w.labels)),
      );
      const ledgers = inputs.ledgers
        .filter((l) => l.metadata?.namespace === namespace && agents.some((a) => a.name === l.spec.agent))
        .map((l) => settleLedger(l.spec, inputs.now));
      const { latency, success } = slo.spec.objectives;
      return {
        id: `${namespace}/${slo.metadata?.name}`,
        objectives: [
          latency ? `${latency.target} % of calls within ${latency.threshold}` : '',
          success ? `${success.target} % succeed` : '',
        ]
          .filter(Boolean)
          .join('; '),
        ...(slo.status?.errorBudgetRemainingPercent !== undefined
          ? { errorBudgetRemaining: String(slo.status.errorBudgetRemainingPercent) }
          : {}),
        days: sloAttainmentByDay(slo.spec, ledgers, { since: inputs.since, until }),
      };
    }),
    retention: retentionSettings(inputs.retention[0]),
    notes: [...(inputs.notes ?? [])],
  };
  if (inputs.previous) report.changes = changesSince(inputs.previous, report);
  return report;
}

/** What changed between two reports: versions, approvals, flows, refusals, policies. */
export function changesSince(
  previous: AuditReport,
  current: AuditReport,
): { since: string; items: string[] } {
  const items: string[] = [];
  const versions = (r: AuditReport) =>
    new Map(
      r.agents.flatMap((a) => a.workloads.map((w) => [`${a.id} ${w.kind}/${w.name}`, w.version] as const)),
    );
  const before = versions(previous);
  const after = versions(current);
  for (const [workload, version] of after) {
    const was = before.get(workload);
    if (was === undefined) items.push(`new workload ${workload} (version ${version})`);
    else if (was !== version) items.push(`${workload}: version ${was} → ${version}`);
  }
  for (const workload of before.keys()) if (!after.has(workload)) items.push(`workload ${workload} removed`);
  const approvalKeys = new Set(previous.approvals.map((a) => `${a.namespace}/${a.name}`));
  for (const a of current.approvals) {
    if (!approvalKeys.has(`${a.namespace}/${a.name}`)) {
      items.push(`approval: ${a.role} ${a.approver} approved ${a.namespace}/${a.agent} ${a.version}`);
    }
  }
  const flowKey = (f: MapFlow) => `${f.agent} → ${f.destination}`;
  const flowsBefore = new Map(previous.map.flows.map((f) => [flowKey(f), f]));
  const flowsAfter = new Map(current.map.flows.map((f) => [flowKey(f), f]));
  for (const [key, flow] of flowsAfter) {
    const was = flowsBefore.get(key);
    if (!was) items.push(`new flow ${key} (${flow.residency})`);
    else if (was.residency !== flow.residency)
      items.push(`flow ${key}: ${was.residency} → ${flow.residency}`);
  }
  for (const key of flowsBefore.keys()) if (!flowsAfter.has(key)) items.push(`flow ${key} gone`);
  const refusals = (r: AuditReport) => r.residency.policies.reduce((s, p) => s + p.refusalCount, 0);
  const newRefusals = refusals(current) - refusals(previous);
  if (newRefusals > 0) items.push(`${newRefusals} workload(s) refused at admission by residency policies`);
  const policies = (r: AuditReport) =>
    new Set([...r.residency.policies, ...r.approvalPolicies].map((p) => p.name));
  for (const name of policies(current)) if (!policies(previous).has(name)) items.push(`new policy ${name}`);
  for (const name of policies(previous))
    if (!policies(current).has(name)) items.push(`policy ${name} removed`);
  return { since: previous.generatedAt, items };
}
