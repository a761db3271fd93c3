import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeSummary } from './judge-summary.js';
import { failing, passing } from './testdata/evaluation-fixtures.js';

test('each criterion is judged on the numbers; the replay’s own lines come first and are not repeated', () => {
  assert.deepEqual(judgeSummary(passing, { minPassRate: 0.9 }), []);
  assert.deepEqual(judgeSummary(failing, { minPassRate: 0.9 }), ['passRate 0.6 < 0.9']);
  assert.deepEqual(
    judgeSummary({ ...passing, tokensPerCase: 900 }, { minPassRate: 0.9, maxTokensPerCase: 800 }),
    ['tokensPerCase 900 > 800'],
  );
  assert.deepEqual(judgeSummary(passing, { minPassRate: 0.9, minSimilarity: 0.8 }), [
    'similarity not measured (criteria.minSimilarity 0.8)',
  ]);
  assert.deepEqual(judgeSummary({ ...passing, similarity: 0.5 }, { minPassRate: 0.9, minSimilarity: 0.8 }), [
    'similarity 0.5 < 0.8',
  ]);
  assert.deepEqual(judgeSummary({ ...passing, cases: 0, passed: 0, passRate: 0 }, { minPassRate: 0 }), [
    'cases 0: the corpus replayed no case',
  ]);
  assert.deepEqual(judgeSummary({ ...passing, verdict: 'Fail' }, { minPassRate: 0.9 }), [
    'the replay reported Fail',
  ]);
});
