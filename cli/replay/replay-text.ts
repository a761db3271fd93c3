import type { JudgedCase, ReplayReport, TargetAggregate } from './replay-verdict.js';

/** The cells of one case as both the text and the HTML report show them. */
export function caseCells(c: JudgedCase): string[] {
  const r = c.candidate;
  return [
    c.id,
    r.status === 0 ? 'error' : String(r.status),
    String(Math.round(r.latencyMs)),
    String(r.inputTokens + r.outputTokens),
    r.costMicros === undefined ? '-' : (r.costMicros / 1_000_000).toFixed(6),
    r.cache ?? '-',
    c.similarity === undefined ? '-' : c.similarity.toFixed(3),
    c.passed ? 'pass' : `FAIL: ${c.why.join('; ')}`,
  ];
}

export const CASE_HEADER = ['CASE', 'STATUS', 'MS', 'TOKENS', 'COST', 'CACHE', 'SIMILARITY', 'RESULT'];
export const AGGREGATE_HEADER = ['', 'P50 MS', 'P95 MS', 'TOKENS/CASE', 'COST/CASE', 'CACHE HITS', 'ERRORS'];

/** The cells of one target's aggregate row. */
export function aggregateCells(name: string, a: TargetAggregate): string[] {
  return [
    name,
    String(a.p50Ms),
    String(a.p95Ms),
    String(a.tokensPerCase),
    a.costPerCase === undefined ? '-' : `${a.costPerCase.toFixed(6)} ${a.currency}`,
    String(a.cacheHits),
    String(a.errors),
  ];
}

/** What `-o text` prints: one row a case, one a target, then the verdict and why. Pure. */
export function replayText(report: ReplayReport, candidate: string): string {
  const s = report.summary;
  const aggregates = [aggregateCells('candidate', report.candidate)];
  if (report.baseline) aggregates.push(aggregateCells('baseline', report.baseline));
  const out = [
    `replay: ${s.cases} case${s.cases === 1 ? '' : 's'} against ${candidate} (similarity: ${report.similarityMethod})`,
    '',
    table([CASE_HEADER, ...report.cases.map(caseCells)]),
    '',
    table([AGGREGATE_HEADER, ...aggregates]),
    '',
    `verdict: ${s.verdict}: ${s.passed} of ${s.cases} cases passed (pass rate ${s.passRate}, minimum ${report.thresholds.minPassRate})` +
      (s.similarity === undefined ? '' : `, mean similarity ${s.similarity}`),
    ...s.failed.map((f) => `  failed: ${f}`),
  ];
  return `${out.join('\n')}\n`;
}

function table(rows: string[][]): string {
  const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] as number)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
