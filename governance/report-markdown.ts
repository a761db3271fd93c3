// The audit report as Markdown: the same sections and tables as the HTML page, the dataflow picture
// as a link to the SVG written beside the report. Pure.
import type { AuditReport } from './audit-report.js';
import { type ReportTable, reportSections } from './report-sections.js';

export function reportMarkdown(report: AuditReport, svgFile: string): string {
  const sections = reportSections(report);
  const lines = [
    `# Agent governance audit report — ${report.period.until.slice(0, 10)}`,
    '',
    `Period ${report.period.since ?? '(all)'} – ${report.period.until}; generated ${report.generatedAt}${report.cluster ? ` from ${report.cluster}` : ''}.`,
    '',
    '## Contents',
    '',
    ...sections.map((s, i) => `${i + 1}. [${s.title}](#${s.id})`),
  ];
  sections.forEach((s, i) => {
    lines.push('', `<a id="${s.id}"></a>`, '', `## ${i + 1}. ${s.title}`, '');
    for (const t of s.text) lines.push(t, '');
    if (s.picture) lines.push(`![Dataflow map](${svgFile})`, '');
    for (const t of s.tables) lines.push(...table(t), '');
  });
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}

function table(t: ReportTable): string[] {
  const head = t.caption ? [`**${cell(t.caption)}**`, ''] : [];
  if (t.rows.length === 0) return t.empty ? [...head, `_${cell(t.empty)}_`] : [];
  return [
    ...head,
    `| ${t.headers.map(cell).join(' | ')} |`,
    `| ${t.headers.map(() => '---').join(' | ')} |`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
