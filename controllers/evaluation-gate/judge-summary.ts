// The gate's own reading of a replay summary against its criteria. The replay judged them already
// (its flags carry them), but the verdict the gate writes must not depend on a replay that ignored a
// flag or an image that predates one: a version passes only when the summary says Pass and every
// criterion holds on the numbers it reports. Pure.
import type { EvaluationCriteria } from '../../apis/evaluation-gate.js';
import type { ReplaySummary } from '../../apis/replay-summary.js';

/** The failed criteria, one line each (the replay's own lines first); empty when the version passes. */
export function judgeSummary(summary: ReplaySummary, criteria: EvaluationCriteria): string[] {
  const own: [criterion: string, line: string][] = [];
  if (summary.cases === 0) own.push(['cases', 'cases 0: the corpus replayed no case']);
  if (summary.passRate < criteria.minPassRate) {
    own.push(['passRate', `passRate ${summary.passRate} < ${criteria.minPassRate}`]);
  }
  if (criteria.maxP95Ms !== undefined && summary.p95Ms > criteria.maxP95Ms) {
    own.push(['p95Ms', `p95Ms ${summary.p95Ms} > ${criteria.maxP95Ms}`]);
  }
  if (criteria.maxTokensPerCase !== undefined && summary.tokensPerCase > criteria.maxTokensPerCase) {
    own.push(['tokensPerCase', `tokensPerCase ${summary.tokensPerCase} > ${criteria.maxTokensPerCase}`]);
  }
  if (criteria.minSimilarity !== undefined) {
    if (summary.similarity === undefined) {
      own.push(['similarity', `similarity not measured (criteria.minSimilarity ${criteria.minSimilarity})`]);
    } else if (summary.similarity < criteria.minSimilarity) {
      own.push(['similarity', `similarity ${summary.similarity} < ${criteria.minSimilarity}`]);
    }
  }
  const lines = [...summary.failed];
  for (const [criterion, line] of own) {
    if (!lines.some((l) => l.startsWith(criterion))) lines.push(line);
  }
  if (summary.verdict === 'Fail' && lines.length === 0) lines.push('the replay reported Fail');
  return lines.slice(0, 10);
}
