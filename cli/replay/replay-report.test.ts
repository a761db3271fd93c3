import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { latencyBins, replayHtml } from './replay-html.js';
import { replayText } from './replay-text.js';
import { type CaseResult, replayReport } from './replay-verdict.js';

const results: CaseResult[] = [
  {
    id: '4bf92f3577b34da6a3ce929d0e0e4736',
    api: 'chat.completions',
    candidate: {
      status: 200,
      latencyMs: 41.6,
      inputTokens: 12,
      outputTokens: 9,
      costMicros: 84,
      currency: 'USD',
      cache: 'miss',
    },
    reference: 'corpus',
    similarity: 0.934,
  },
  {
    id: 'refund <policy>',
    api: 'messages',
    candidate: {
      status: 502,
      latencyMs: 12,
      inputTokens: 0,
      outputTokens: 0,
      cache: 'bypass',
      error: 'bad gateway',
    },
  },
];
const report = replayReport(results, { minPassRate: 0.9, minSimilarity: 0.8 }, 'embeddings');

describe('replayText', () => {
  it('prints a row a case, the aggregate and the verdict with what failed', () => {
    assert.equal(
      replayText(report, 'http://127.0.0.1:4000'),
      `replay: 2 cases against http://127.0.0.1:4000 (similarity: embeddings)

CASE                              STATUS  MS  TOKENS  COST      CACHE   SIMILARITY  RESULT
4bf92f3577b34da6a3ce929d0e0e4736  200     42  21      0.000084  miss    0.934       pass
refund <policy>                   502     12  0       -         bypass  -           FAIL: status 502

           P50 MS  P95 MS  TOKENS/CASE  COST/CASE     CACHE HITS  ERRORS
candidate  12      41.6    10.5         0.000042 USD  0           1

verdict: Fail: 1 of 2 cases passed (pass rate 0.5, minimum 0.9), mean similarity 0.934
  failed: passRate 0.5 < 0.9 (1 of 2 cases passed)
`,
    );
  });
});

describe('replayHtml', () => {
  it('is one page with the verdict, the tables and an inline SVG histogram, escaped, with nothing fetched', () => {
    const html = replayHtml(report, 'http://127.0.0.1:4000', new Date('2026-12-06T20:00:00Z'));
    assert.match(html, /<h1>Replay report: <span class="Fail">Fail<\/span><\/h1>/);
    assert.match(html, /<tr class="fail"><td>refund &lt;policy&gt;<\/td><td>502<\/td>/);
    assert.match(html, /<svg role="img"[^>]*><title>Candidate latency, ms/);
    assert.ok(!/<script|<link|src=|href=/i.test(html), 'no script and no external asset');
  });
});

describe('latencyBins', () => {
  it('puts each sample in one of equal bins up to the largest', () => {
    assert.deepEqual(latencyBins([5, 10, 19, 40], 4), [
      { upTo: 10, count: 1 },
      { upTo: 20, count: 2 },
      { upTo: 30, count: 0 },
      { upTo: 40, count: 1 },
    ]);
  });
});
