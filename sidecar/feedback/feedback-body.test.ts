import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_COMMENT_CHARS, readFeedback, scoreBucket } from './feedback-body.js';

describe('readFeedback', () => {
  const accepted: [string, Record<string, unknown>][] = [
    ['thumbs up', { traceId: 't1', score: 1 }],
    ['thumbs down with a comment', { traceId: 't1', score: -1, comment: 'wrong order number' }],
    ['a fraction', { traceId: 't1', score: 0.25 }],
    ['neutral', { traceId: 't1', score: 0 }],
    ['a comment at the cap', { traceId: 't1', score: 0, comment: 'x'.repeat(MAX_COMMENT_CHARS) }],
  ];
  for (const [name, body] of accepted) {
    it(`accepts ${name}`, () => {
      const read = readFeedback(body);
      assert.ok(read.ok, JSON.stringify(read));
      assert.deepEqual(read.feedback, body);
    });
  }

  const refused: [string, Record<string, unknown>, string, RegExp][] = [
    [
      'a score of 5',
      { traceId: 't1', score: 5 },
      'score',
      /"score" must be a number from -1 \(bad\) to 1 \(good\), got 5/,
    ],
    ['a score below -1', { traceId: 't1', score: -1.5 }, 'score', /got -1\.5/],
    ['a score as a string', { traceId: 't1', score: '1' }, 'score', /got "1"/],
    ['no score', { traceId: 't1' }, 'score', /got undefined/],
    ['a NaN-like score', { traceId: 't1', score: null }, 'score', /got null/],
    ['no trace id', { score: 1 }, 'traceId', /"traceId" must be the x-governor-trace-id/],
    ['an empty trace id', { traceId: '', score: 1 }, 'traceId', /got ""/],
    ['a numeric trace id', { traceId: 7, score: 1 }, 'traceId', /got 7/],
    [
      'a comment past the cap',
      { traceId: 't1', score: 1, comment: 'x'.repeat(MAX_COMMENT_CHARS + 1) },
      'comment',
      new RegExp(`at most ${MAX_COMMENT_CHARS} characters, got ${MAX_COMMENT_CHARS + 1} characters`),
    ],
    ['a comment not a string', { traceId: 't1', score: 1, comment: ['a'] }, 'comment', /got \["a"\]/],
    [
      'a misspelt field',
      { trace_id: 't1', score: 1 },
      'trace_id',
      /"trace_id" is unknown; the fields are traceId, score and comment/,
    ],
  ];
  for (const [name, body, param, message] of refused) {
    it(`refuses ${name}, naming ${param}`, () => {
      const read = readFeedback(body);
      assert.equal(read.ok, false);
      if (read.ok) return;
      assert.equal(read.problem.status, 400);
      assert.equal(read.problem.param, param);
      assert.match(read.problem.message, message);
    });
  }

  it('never echoes a long comment whole', () => {
    const read = readFeedback({ traceId: 't1', score: 1, comment: 42 });
    assert.ok(!read.ok && read.problem.message.endsWith('got 42'));
  });
});

describe('scoreBucket', () => {
  for (const [score, bucket] of [
    [-1, 'negative'],
    [-0.01, 'negative'],
    [0, 'neutral'],
    [0.5, 'positive'],
    [1, 'positive'],
  ] as const) {
    it(`${score} → ${bucket}`, () => assert.equal(scoreBucket(score), bucket));
  }
});
