// The audit report as one self-contained HTML page: a table of contents, the sections, the dataflow
// picture inline, print styles (A4, tables that do not split rows, the picture scaled to the page),
// and the report's JSON embedded, so the file can serve as `--previous` for the next report. Pure.
import type { AuditReport } from './audit-report.js';
import { type ReportTable, reportSections } from './report-sections.js';

export const MODEL_ELEMENT_ID = 'audit-report-model';

export function reportHtml(report: AuditReport, svg: string): string {
  const sections = reportSections(report);
  const title = `Agent governance audit report — ${report.period.until.slice(0, 10)}`;
  const body = sections
    .map(
      (s, i) => `<section id="${s.id}">
<h2>${i + 1}. ${escapeHtml(s.title)}</h2>
${s.text.map((t) => `<p>${escapeHtml(t)}</p>`).join('\n')}
${s.picture ? `<figure class="map">${svg}</figure>` : ''}
${s.tables.map(table).join('\n')}
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; font-size: 14px; line-height: 1.45; }
  h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
  h2 { font-size: 1.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.2rem; margin-top: 2rem; }
  nav ol { columns: 2; }
  table { border-collapse: collapse; width: 100%; margin: 0.6rem 0 1rem; font-size: 12px; }
  caption { text-align: left; font-weight: 600; padding: 0.3rem 0; }
  th, td { border: 1px solid #d0d7de; padding: 4px 6px; text-align: left; vertical-align: top; word-break: break-word; }
  th { background: #f6f8fa; }
  tr { break-inside: avoid; }
  .empty { color: #59636e; font-style: italic; }
  figure.map { margin: 0.5rem 0; overflow-x: auto; }
  figure.map svg { max-width: 100%; height: auto; }
  .meta { color: #59636e; }
  @page { size: A4; margin: 14mm; }
  @media print { body { margin: 0; max-width: none; font-size: 11px; } nav ol { columns: 2; } section { break-inside: auto; } figure.map { overflow: visible; } }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="meta">${escapeHtml(`Period ${report.period.since ?? '(all)'} – ${report.period.until}; generated ${report.generatedAt}${report.cluster ? ` from ${report.cluster}` : ''}`)}</p>
</header>
<nav aria-label="Contents"><h2>Contents</h2><ol>
${sections.map((s) => `<li><a href="#${s.id}">${escapeHtml(s.title)}</a></li>`).join('\n')}
</ol></nav>
${body}
<script type="application/json" id="${MODEL_ELEMENT_ID}">${JSON.stringify(report).replace(/</g, '\\u003c')}</script>
</body>
</html>
`;
}

/** The report embedded in an HTML report (or a JSON report as it is), for `--previous`. */
export function reportFromFile(text: string): unknown {
  const marker = `<script type="application/json" id="${MODEL_ELEMENT_ID}">`;
  const start = text.indexOf(marker);
  if (start === -1) return JSON.parse(text);
  const end = text.indexOf('</script>', start);
  return JSON.parse(text.slice(start + marker.length, end));
}

function table(t: ReportTable): string {
  const caption = t.caption ? `<caption>${escapeHtml(t.caption)}</caption>` : '';
  if (t.rows.length === 0)
    return t.empty
      ? `${t.caption ? `<p><strong>${escapeHtml(t.caption)}</strong></p>` : ''}<p class="empty">${escapeHtml(t.empty)}</p>`
      : '';
  return `<table>${caption}<thead><tr>${t.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>
${t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n')}
</tbody></table>`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
