import { escapeHtml } from '../cockpit/svg-charts.js';
import { AGGREGATE_HEADER, aggregateCells, CASE_HEADER, caseCells } from './replay-text.js';
import type { ReplayReport } from './replay-verdict.js';

/** Counts of samples in `bins` equal-width bins from 0 to the largest sample. Pure. */
export function latencyBins(samples: readonly number[], bins: number): { upTo: number; count: number }[] {
  const top = Math.max(1, ...samples);
  const width = top / bins;
  const out = Array.from({ length: bins }, (_, i) => ({ upTo: Math.round(width * (i + 1)), count: 0 }));
  for (const s of samples) (out[Math.min(bins - 1, Math.floor(s / width))] as { count: number }).count++;
  return out;
}

/** The candidate's latencies as columns, one a bin, with each bin's upper bound under it. */
export function latencyHistogram(samples: readonly number[], bins = 10): string {
  const data = latencyBins(samples, bins);
  const plot = 120;
  const column = 48;
  const left = 30;
  const width = left + bins * column + 10;
  const most = Math.max(1, ...data.map((d) => d.count));
  const columns = data.map((d, i) => {
    const h = Math.round((d.count / most) * plot);
    const x = left + i * column;
    return (
      `<rect x="${x + 4}" y="${plot - h + 4}" width="${column - 8}" height="${h}"><title>${d.count} under ${d.upTo} ms</title></rect>` +
      `<text x="${x + column / 2}" y="${plot + 20}" text-anchor="middle">${d.upTo}</text>`
    );
  });
  return (
    `<svg role="img" viewBox="0 0 ${width} ${plot + 30}" width="${width}" height="${plot + 30}">` +
    '<title>Candidate latency, ms (cases per bin)</title>' +
    `<line x1="${left}" y1="${plot + 4}" x2="${width - 10}" y2="${plot + 4}"></line>` +
    `<text x="${left - 4}" y="14" text-anchor="end">${most}</text>${columns.join('')}</svg>`
  );
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:2em;color:#222}h2{font-size:1.1em;margin-top:1.5em}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}
th{background:#f3f3f3}tr.fail td{background:#fdecea}.Pass{color:#1a7f37}.Fail{color:#c62828}
svg rect{fill:#4a78b5}svg line{stroke:#888}svg text{font-size:11px;fill:#555}`;

/** What `-o html` writes: one self-contained page (inline style and SVG, no script, nothing fetched). Pure. */
export function replayHtml(report: ReplayReport, candidate: string, generatedAt: Date): string {
  const s = report.summary;
  const row = (cells: string[], tag = 'td', cls = '') =>
    `<tr${cls ? ` class="${cls}"` : ''}>${cells.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('')}</tr>`;
  const aggregates = [row(aggregateCells('candidate', report.candidate))];
  if (report.baseline) aggregates.push(row(aggregateCells('baseline', report.baseline)));
  const answered = report.cases.filter((c) => c.candidate.status !== 0).map((c) => c.candidate.latencyMs);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Replay report: ${escapeHtml(s.verdict)}</title>
<style>${STYLE}</style></head><body>
<h1>Replay report: <span class="${s.verdict}">${s.verdict}</span></h1>
<p>${s.cases} cases against <code>${escapeHtml(candidate)}</code>, similarity by ${escapeHtml(report.similarityMethod)},
${escapeHtml(generatedAt.toISOString())}. ${s.passed} of ${s.cases} passed (pass rate ${s.passRate}, minimum
${report.thresholds.minPassRate})${s.similarity === undefined ? '' : `; mean similarity ${s.similarity}`}.</p>
${s.failed.length === 0 ? '' : `<ul>${s.failed.map((f) => `<li class="Fail">${escapeHtml(f)}</li>`).join('')}</ul>`}
<h2>In all</h2>
<table>${row(AGGREGATE_HEADER, 'th')}${aggregates.join('')}</table>
<h2>Candidate latency</h2>
<p>Cases per bin of milliseconds, each bin up to the number under it.</p>
${latencyHistogram(answered)}
<h2>Cases</h2>
<table>${row(CASE_HEADER, 'th')}${report.cases.map((c) => row(caseCells(c), 'td', c.passed ? '' : 'fail')).join('\n')}</table>
</body></html>
`;
}
