import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatReplaySummary, parseReplaySummary, type ReplaySummary } from './replay-summary.js';

const failing: ReplaySummary = {
  v: 1,
  cases: 20,
  passed: 12,
  passRate: 0.6,
  p50Ms: 180,
  p95Ms: 950,
  tokensPerCase: 412,
  errors: 1,
  verdict: 'Fail',
  failed: ['passRate 0.6 < 0.9'],
};

describe('replay summary', () => {
  it('reads back what the replay wrote', () => {
    assert.deepEqual(parseReplaySummary(formatReplaySummary(failing)), failing);
  });

  it('names what a crashed container left instead of a summary', () => {
    assert.throws(
      () => parseReplaySummary('Error: ECONNREFUSED 10.0.0.1:8443\n    at ...'),
      /expected the JSON summary of agent-governor replay, got "Error: ECONNREFUSED/,
    );
    assert.throws(() => parseReplaySummary(''), /got nothing/);
  });

  it('names the field that is wrong', () => {
    assert.throws(
      () => parseReplaySummary(JSON.stringify({ ...failing, passRate: 1.5 })),
      /replay summary: passRate: .*1/,
    );
  });

  it('fits a termination message even with every failure line at its longest', () => {
    const many = { ...failing, failed: Array.from({ length: 10 }, () => 'é'.repeat(200)) };
    const text = formatReplaySummary(many);
    assert.ok(Buffer.byteLength(text) <= 4000, `${Buffer.byteLength(text)} bytes`);
    assert.equal(parseReplaySummary(text).failed.length, 9);
  });
});
