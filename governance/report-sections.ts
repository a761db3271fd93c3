// The sections of the audit report, in order, as both renderers lay them out: a title for the table
// of contents, an anchor, and the rows of each section's tables (plain strings; each renderer
// escapes them for its format). Pure.
import type { AuditReport } from './audit-report.js';
import { regionLabel } from './dataflow-map.js';

export interface ReportTable {
  caption?: string;
  headers: string[];
  rows: string[][];
  /** Said instead of an empty table. */
  empty: string;
}

export interface ReportSection {
  id: string;
  title: string;
  /** Paragraphs before the tables. */
  text: string[];
  tables: ReportTable[];
  /** The dataflow picture goes here. */
  picture?: boolean;
}

const pct = (ratio: number | undefined) => (ratio === undefined ? '-' : `${(ratio * 100).toFixed(2)} %`);

export function reportSections(report: AuditReport): ReportSection[] {
  const destinations = new Map(report.map.destinations.map((d) => [d.id, d]));
  const refused = report.map.flows.filter((f) => f.residency === 'refused');
  const versions = report.agents.reduce((n, a) => n + new Set(a.workloads.map((w) => w.version)).size, 0);
  return [
    {
      id: 'summary',
      title: 'Summary',
      text: [
        `Period: ${report.period.since ?? 'everything the cluster keeps'} to ${report.period.until}. Generated ${report.generatedAt}${report.cluster ? ` from ${report.cluster}` : ''}.`,
        `${report.agents.length} agent(s) running ${versions} version(s); ${report.map.flows.length} data flow(s), ` +
          `${refused.length} refused; ${report.approvals.length} approval(s) on record, ${report.pending.length} workload(s) awaiting approval; ` +
          `${report.residency.refusals.length} admission refusal(s) and ${report.residency.violations.length} residency violation(s); ` +
          `${report.events.length} budget, SLO and governance event(s) in the period.`,
      ],
      tables: [],
    },
    {
      id: 'agents',
      title: 'Agents and versions',
      text: [
        'A version is a fingerprint of what can change an agent’s behaviour or data flows: images, settings, the prompt and config ConfigMaps by content hash, the routes and models it uses.',
      ],
      tables: [
        {
          headers: ['Agent', 'Workload', 'Version', 'Images', 'ConfigMaps', 'Models'],
          rows: report.agents.flatMap((a) =>
            (a.workloads.length > 0 ? a.workloads : [undefined]).map((w) => [
              `${a.id}${a.critical ? ' (critical)' : ''}`,
              w ? `${w.kind}/${w.name}` : 'none (refused at admission)',
              w?.version ?? '-',
              w?.images.join(', ') || '-',
              w
                ? Object.entries(w.configMaps)
                    .map(([n, h]) => `${n} ${h}`)
                    .join(', ') || '-'
                : '-',
              w?.models.join(', ') || '-',
            ]),
          ),
          empty: 'No agents.',
        },
      ],
    },
    {
      id: 'approvals',
      title: 'Approvals',
      text: report.approvalPolicies.map(
        (p) =>
          `ApprovalPolicy ${p.name} (${p.mode}) requires ${p.roles.map((r) => `${r.name} (groups ${r.groups.join(', ')})`).join(', ')}: ` +
          `${p.pendingCount} workload(s) pending, ${p.staleCount} approved only under an older version.`,
      ),
      tables: [
        {
          caption: 'Approvals on record (★ given in the period)',
          headers: ['When', 'Agent', 'Version', 'Role', 'Approver', 'Comment'],
          rows: report.approvals.map((a) => [
            `${a.at}${a.inPeriod ? ' ★' : ''}`,
            `${a.namespace}/${a.agent}`,
            a.version,
            a.role,
            a.approver,
            a.comment ?? '',
          ]),
          empty: 'No approvals on record.',
        },
        {
          caption: 'Awaiting approval',
          headers: ['Policy', 'Workload', 'Version', 'Missing roles', 'Approved under'],
          rows: report.pending.map((p) => [
            p.policy,
            `${p.namespace}/${p.workload} (agent ${p.agent})`,
            p.version,
            p.missingRoles.join(', '),
            p.approvedVersion ?? '-',
          ]),
          empty: 'Every running version is approved.',
        },
      ],
    },
    {
      id: 'dataflows',
      title: 'Dataflow map',
      text: [
        'Green: allowed by the residency policies; red: refused; grey: region unknown. Dashed: declared by the team; bold: seen answering by the sidecars.',
      ],
      picture: true,
      tables: [
        {
          headers: ['Agent', 'Destination', 'Region', 'Models', 'Seen', 'Residency'],
          rows: report.map.flows.map((f) => {
            const d = destinations.get(f.destination);
            const seen = f.observed
              .map((o) => `${o.model}: ${o.requests} calls, last ${o.lastSeen}`)
              .join('; ');
            return [
              f.agent,
              `${d?.kind === 'LLM' ? `LLM ${d.provider ?? ''} ` : `${d?.kind ?? ''} `}${d?.host ?? f.destination}`,
              d ? regionLabel(d) : '',
              f.models.join(', ') || '-',
              seen || '-',
              `${f.residency}${f.policy && f.residency !== 'allowed' ? ` (${f.policy})` : ''}${f.refusedAtAdmission ? ', at admission' : ''}${f.declared ? ', declared' : ''}`,
            ];
          }),
          empty: 'No flows.',
        },
      ],
    },
    {
      id: 'residency',
      title: 'Residency refusals and violations',
      text: report.residency.policies.map(
        (p) =>
          `DataResidencyPolicy ${p.name} (${p.mode}) allows ${p.allowed}: ${p.refusalCount} refusal(s) in all, ${p.violationCount} violation(s) now.`,
      ),
      tables: [
        {
          caption: 'Refused at admission in the period',
          headers: ['When', 'Workload', 'By', 'Where', 'Endpoint', 'Region', 'Policy'],
          rows: report.residency.refusals.map((r) => [
            r.time,
            `${r.kind} ${r.namespace}/${r.name}`,
            r.user ?? '-',
            `${r.container ? `container ${r.container}, ` : ''}${r.source}`,
            r.endpoint,
            `${r.region ?? 'unknown'}${r.jurisdiction ? ` (${r.jurisdiction})` : ''}`,
            r.policy,
          ]),
          empty: 'No workload was refused in the period.',
        },
        {
          caption: 'Violations found by the last audit (Warn and Audit modes, or older than the policy)',
          headers: ['Policy', 'Workload', 'Where', 'Endpoint', 'Region'],
          rows: report.residency.violations.map((v) => [
            v.policy,
            v.workload,
            v.source,
            v.endpoint,
            v.region ?? 'unknown',
          ]),
          empty: 'No violations.',
        },
      ],
    },
    {
      id: 'budgets',
      title: 'Budget crossings, suspensions and other events',
      text: [
        'From the Events the API server still keeps (kube-apiserver --event-ttl, 1 h by default): run the report at least that often to keep them all.',
      ],
      tables: [
        {
          caption: 'Budgets now',
          headers: ['Budget', 'Phase', 'Used', 'Limit', '%', 'Resets'],
          rows: report.budgets.map((b) => [
            b.id,
            b.phase,
            b.usedTokens?.toString() ?? '-',
            b.limitTokens?.toString() ?? '-',
            b.percent?.toString() ?? '-',
            b.periodEnd ?? '-',
          ]),
          empty: 'No TokenBudgets.',
        },
        {
          caption: 'Events in the period',
          headers: ['When', 'Reason', 'Object', 'What happened'],
          rows: report.events.map((e) => [e.time, e.reason, e.object, e.note]),
          empty: 'No budget, SLO or governance events in the period.',
        },
      ],
    },
    {
      id: 'slos',
      title: 'SLO attainment',
      text: report.slos.map(
        (s) => `${s.id}: ${s.objectives}; error budget left now: ${s.errorBudgetRemaining ?? '-'} %.`,
      ),
      tables: report.slos.map((s) => ({
        caption: `${s.id}, per UTC day`,
        headers: ['Day', 'Calls', 'Fast', 'Succeeded', 'Met'],
        rows: s.days.map((d) => [
          d.day,
          String(d.calls),
          pct(d.fast),
          pct(d.succeeded),
          d.met ? 'yes' : 'NO',
        ]),
        empty: 'No calls in the period.',
      })),
    },
    {
      id: 'retention',
      title: 'Retention',
      text: [
        'Prompts never reach logs unless a policy asks for prompt logging; stored data that may hold prompt text is encrypted at rest with a key from a Secret (AES-256-GCM).',
      ],
      tables: [
        {
          headers: ['Data', 'Kept', 'Enforced by', 'Removed'],
          rows: report.retention.map((r) => [r.what, r.limit, r.enforcedBy, r.removed?.toString() ?? '-']),
          empty: '',
        },
      ],
    },
    {
      id: 'changes',
      title: 'Changes since the last report',
      text: report.changes
        ? [`Compared with the report of ${report.changes.since}.`]
        : ['No previous report given (--previous FILE): this is the baseline.'],
      tables: report.changes
        ? [{ headers: ['Change'], rows: report.changes.items.map((i) => [i]), empty: 'Nothing changed.' }]
        : [],
    },
    ...(report.notes.length > 0 ? [{ id: 'notes', title: 'Notes', text: report.notes, tables: [] }] : []),
  ];
}
