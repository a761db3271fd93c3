// `agent-governor audit report`: the report a yearly review asks for, from the live cluster, as a
// printable HTML page, Markdown (with the dataflow SVG beside it) or JSON.
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { addUsageStoreOptions, type UsageStoreFlags } from './usage-store-flags.js';

export const REPORT_FORMATS = ['html', 'md', 'json'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface AuditReportFlags extends Partial<UsageStoreFlags> {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  since?: Date;
  until?: Date;
  format: ReportFormat;
  previous?: string;
  operatorNamespace: string;
}

export function registerAuditCommand(program: Command): void {
  const audit = program
    .command('audit')
    .summary('audit reports: agents, versions, approvals, data flows, refusals, budgets, SLOs, retention');
  const report = audit
    .command('report')
    .summary('write the audit report of a cluster to FILE')
    .description(
      'Reads the live cluster and writes FILE: agents and their versions; approvals (who, role, when, for which ' +
        'version) and what awaits approval; the dataflow map (picture and flows); residency refusals and ' +
        'violations; budget crossings, suspensions and SLO events; SLO attainment per day; retention settings; ' +
        'and, with --previous, what changed since that report. HTML is one self-contained, printable page (its ' +
        'JSON is embedded, so it can be the next --previous); md writes the dataflow SVG beside FILE. Usage is ' +
        "read where the operator keeps it: give the operator's --usage-store and --redis-* flags when that is " +
        'Redis or Valkey (docs/scale.md).\n\n' +
        'Examples:\n' +
        '  agent-governor audit report -o html audit-2026-q1.html --since 2026-01-01 --until 2026-04-01\n' +
        '  agent-governor audit report -o md audit.markdown --previous audit-2026-q1.html\n' +
        '  agent-governor audit report -o json audit.json -n governor-demo',
    )
    .argument('<file>', 'where to write the report')
    .option('--kubeconfig <file>', 'kubeconfig (default: in-cluster, $KUBECONFIG, ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context')
    .option('-n, --namespace <namespace>', 'only the agents of this namespace')
    .option('--since <date>', 'start of the period (RFC 3339 date or time, e.g. 2026-01-01)', parseDate)
    .option('--until <date>', 'end of the period (default: now)', parseDate)
    .addOption(new Option('-o, --format <format>', 'report format').choices(REPORT_FORMATS).default('html'))
    .option('--previous <file>', 'an earlier report (html or json): list what changed since')
    .option('--operator-namespace <namespace>', "the operator's namespace", 'agent-governor-system');
  addUsageStoreOptions(report).action(async (file: string, flags: AuditReportFlags) => {
    const written = await writeAuditReport(file, flags);
    console.log(`wrote ${written.join(', ')}`);
  });
}

function parseDate(value: string): Date {
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError(
      `"${value}" is not a date; expected e.g. 2026-01-01 or 2026-01-01T00:00:00Z`,
    );
  }
  return date;
}

/** Reads the cluster and writes the report (and, for md, its picture); returns the files written. */
export async function writeAuditReport(
  file: string,
  flags: AuditReportFlags,
  now = new Date(),
): Promise<string[]> {
  if (flags.since && flags.until && flags.since > flags.until) {
    throw new Error(`--since ${flags.since.toISOString()} is after --until ${flags.until.toISOString()}`);
  }
  const [{ resolveConnection }, { ApiTransport }, { createKubeClient }, snapshots, maps, reports, html] =
    await Promise.all([
      import('../runtime/kube/kube-connection.js'),
      import('../runtime/kube/api-transport.js'),
      import('../runtime/kube/kube-client.js'),
      import('./governance/cluster-snapshot.js'),
      import('../governance/dataflow-map.js'),
      import('../governance/audit-report.js'),
      import('../governance/report-html.js'),
    ]);
  const previous = flags.previous
    ? await readPrevious(flags.previous, html.reportFromFile, reports.REPORT_KIND)
    : undefined;
  const connection = await resolveConnection({
    ...(flags.kubeconfig ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context ? { context: flags.context } : {}),
  });
  const transport = new ApiTransport(connection);
  let report: import('../governance/audit-report.js').AuditReport;
  try {
    const snapshot = await snapshots.readClusterSnapshotFrom(createKubeClient(transport), flags, {
      ...(flags.namespace ? { namespace: flags.namespace } : {}),
      now,
    });
    const map = maps.dataflowMap(
      snapshots.dataflowInputs(snapshot, {
        operatorNamespace: flags.operatorNamespace,
        ...(flags.namespace ? { namespace: flags.namespace } : {}),
      }),
    );
    report = reports.buildAuditReport({
      now,
      ...(flags.since ? { since: flags.since } : {}),
      ...(flags.until ? { until: flags.until } : {}),
      cluster: connection.server,
      map,
      agents: snapshot.agents,
      approvals: snapshot.approvals,
      approvalPolicies: snapshot.approvalPolicies,
      residencyPolicies: snapshot.residencyPolicies,
      budgets: snapshot.budgets,
      slos: snapshot.slos,
      ledgers: snapshot.ledgers,
      retention: snapshot.retention,
      events: snapshot.events.map((e) => ({
        time:
          e.series?.lastObservedTime ??
          e.eventTime ??
          e.deprecatedLastTimestamp ??
          e.metadata?.creationTimestamp ??
          '',
        type: e.type ?? '',
        reason: e.reason ?? '',
        note: `${e.note ?? ''}${e.series?.count ? ` (×${e.series.count})` : ''}`,
        object: `${e.regarding?.kind ?? ''} ${e.regarding?.namespace ? `${e.regarding.namespace}/` : ''}${e.regarding?.name ?? ''}`,
      })),
      ...(previous ? { previous } : {}),
      notes: snapshot.missing.map(
        (kind) => `${kind}: not installed in this cluster (its CRD is missing); left out.`,
      ),
    });
  } finally {
    await transport.close();
  }
  if (flags.format === 'json') {
    await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
    return [file];
  }
  const { dataflowDot } = await import('../governance/dataflow-dot.js');
  const { renderSvg, inlineSvg } = await import('./governance/dataflow-svg.js');
  const svg = await renderSvg(
    dataflowDot(report.map, `Agent dataflows — ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC`),
  );
  if (flags.format === 'html') {
    await writeFile(file, html.reportHtml(report, inlineSvg(svg)));
    return [file];
  }
  const { reportMarkdown } = await import('../governance/report-markdown.js');
  const svgFile = `${basename(file, extname(file))}-dataflows.svg`;
  await writeFile(join(dirname(file), svgFile), svg);
  await writeFile(file, reportMarkdown(report, svgFile));
  return [file, join(dirname(file), svgFile)];
}

async function readPrevious(
  file: string,
  parse: (text: string) => unknown,
  kind: string,
): Promise<import('../governance/audit-report.js').AuditReport> {
  let parsed: unknown;
  try {
    parsed = parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`--previous ${file}: not an audit report (html or json): ${(err as Error).message}`);
  }
  if ((parsed as { kind?: unknown })?.kind !== kind) {
    throw new Error(`--previous ${file}: not an audit report (html or json): no "kind": "${kind}" in it`);
  }
  return parsed as import('../governance/audit-report.js').AuditReport;
}
