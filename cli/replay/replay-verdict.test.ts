import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReplaySummary, parseReplaySummary } from '../../apis/replay-summary.js';
import { aggregate, type CaseResult, judgeCase, type Reply, replayReport } from './replay-verdict.js';

const reply = (over: Partial<Reply> = {}): Reply => ({
  status: 200,
  latencyMs: 100,
  inputTokens: 10,
  outputTokens: 5,
  costMicros: 30,
  currency: 'USD',
  cache: 'miss',
  ...over,
});
const result = (id: string, over: Partial<CaseResult> = {}): CaseResult => ({
  id,
  api: 'chat.completions',
  candidate: reply(),
  reference: 'corpus',
  similarity: 1,
  ...over,
});

describe('judgeCase', () => {
  const table: [
    string,
    Partial<CaseResult>,
    { minSimilarity?: number; maxTokensPerCase?: number },
    string[],
  ][] = [
    ['a 2xx answer within every threshold', {}, { minSimilarity: 0.8, maxTokensPerCase: 15 }, []],
    ['a non-2xx answer', { candidate: reply({ status: 429 }) }, {}, ['status 429']],
    [
      'no answer at all',
      { candidate: reply({ status: 0, error: 'ECONNREFUSED' }) },
      {},
      ['no answer: ECONNREFUSED'],
    ],
    [
      'too many tokens',
      { candidate: reply({ outputTokens: 50 }) },
      { maxTokensPerCase: 15 },
      ['tokens 60 > 15'],
    ],
    ['a dissimilar answer', { similarity: 0.41234 }, { minSimilarity: 0.8 }, ['similarity 0.412 < 0.8']],
    [
      'similarity that could not be measured',
      { similarity: undefined, similarityNote: 'embeddings: HTTP 500' },
      { minSimilarity: 0.8 },
      ['similarity not measured: embeddings: HTTP 500'],
    ],
    [
      'no reference to compare with',
      { reference: undefined, similarity: undefined },
      { minSimilarity: 0.8 },
      [],
    ],
    ['a low similarity without a minimum', { similarity: 0 }, {}, []],
  ];
  for (const [name, over, thresholds, why] of table)
    it(`judges ${name}`, () => {
      const judged = judgeCase(result('c', over), { minPassRate: 1, ...thresholds });
      assert.deepEqual(judged.why, why);
      assert.equal(judged.passed, why.length === 0);
    });
});

describe('aggregate', () => {
  it('takes percentiles of answered calls, means over all cases, and counts hits and errors', () => {
    const replies = [
      reply({ latencyMs: 100, cache: 'hit' }),
      reply({ latencyMs: 300 }),
      reply({ latencyMs: 200 }),
      reply({ status: 502, latencyMs: 900, inputTokens: 0, outputTokens: 0, costMicros: undefined }),
      reply({ status: 0, latencyMs: 5000, inputTokens: 0, outputTokens: 0, costMicros: undefined }),
    ];
    assert.deepEqual(aggregate(replies), {
      p50Ms: 200,
      p95Ms: 900,
      tokensPerCase: 9,
      costPerCase: 0.000018,
      currency: 'USD',
      cacheHits: 1,
      errors: 2,
    });
  });
  it('gives no cost when an answered case has no price', () => {
    const a = aggregate([reply(), reply({ costMicros: undefined, currency: undefined })]);
    assert.equal(a.costPerCase, undefined);
    assert.equal(a.currency, undefined);
  });
});

describe('replayReport', () => {
  it('passes when the pass rate and p95 are within the thresholds, and its summary round-trips', () => {
    const report = replayReport(
      [result('a'), result('b', { similarity: 0.5 }), result('c', { baseline: reply({ latencyMs: 50 }) })],
      { minPassRate: 0.6, maxP95Ms: 200, minSimilarity: 0.8 },
      'embeddings',
    );
    assert.equal(report.summary.verdict, 'Pass');
    assert.equal(report.summary.passed, 2);
    assert.equal(report.summary.passRate, 0.6667);
    assert.equal(report.summary.similarity, 0.8333);
    assert.equal(report.baseline?.p50Ms, 50);
    assert.deepEqual(parseReplaySummary(formatReplaySummary(report.summary)), report.summary);
  });
  it('fails, saying which criteria failed', () => {
    const report = replayReport(
      [
        result('a', { candidate: reply({ latencyMs: 700 }) }),
        result('b', { candidate: reply({ status: 500 }) }),
      ],
      { minPassRate: 0.9, maxP95Ms: 500 },
      'exact',
    );
    assert.equal(report.summary.verdict, 'Fail');
    assert.deepEqual(report.summary.failed, ['passRate 0.5 < 0.9 (1 of 2 cases passed)', 'p95Ms 700 > 500']);
  });
  it('fails a minimum similarity nothing could be compared with, and an empty corpus', () => {
    const unmeasured = replayReport(
      [result('a', { reference: undefined, similarity: undefined })],
      {
        minPassRate: 0,
        minSimilarity: 0.5,
      },
      'exact',
    );
    assert.equal(unmeasured.summary.verdict, 'Fail');
    assert.match(unmeasured.summary.failed[0] ?? '', /^similarity not measured/);
    const empty = replayReport([], { minPassRate: 0.5 }, 'exact');
    assert.deepEqual(empty.summary.failed, ['passRate 0 < 0.5 (0 of 0 cases passed)']);
  });
});
