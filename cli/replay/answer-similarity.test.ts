import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosineSimilarity, exactSimilarity, jsonStructureSimilarity } from './answer-similarity.js';

describe('exactSimilarity', () => {
  it('is 1 for the same text up to surrounding and repeated white space, 0 otherwise', () => {
    assert.equal(exactSimilarity('Your order ships  Monday.\n', ' Your order ships Monday.'), 1);
    assert.equal(exactSimilarity('Your order ships Monday.', 'Your order ships monday.'), 0);
  });
});

describe('jsonStructureSimilarity', () => {
  it('is 1 for the same keys and types with other values, fenced or not', () => {
    assert.deepEqual(
      jsonStructureSimilarity(
        '{"status":"open","items":[{"id":1}]}',
        '```json\n{"items":[{"id":7}],"status":"closed"}\n```',
      ),
      { score: 1 },
    );
  });
  it('is the share of path:type entries in common', () => {
    // reference: $:object, $.a:number, $.b:string; candidate: $:object, $.a:string, $.b:string
    assert.deepEqual(jsonStructureSimilarity('{"a":1,"b":"x"}', '{"a":"1","b":"y"}'), { score: 2 / 4 });
    assert.deepEqual(jsonStructureSimilarity('{"a":1}', '[1]'), { score: 0 });
  });
  it('is 0 for a candidate that is no JSON, and unmeasured for a reference that is none', () => {
    assert.deepEqual(jsonStructureSimilarity('{"a":1}', 'Sure! Here it is: {"a":1}'), { score: 0 });
    assert.deepEqual(jsonStructureSimilarity('plain words', '{"a":1}'), {
      note: 'the reference answer is not JSON',
    });
  });
});

describe('cosineSimilarity', () => {
  it('is 1 for parallel vectors, 0 for orthogonal or opposite ones and zero vectors', () => {
    assert.equal(cosineSimilarity([1, 2, 3], [2, 4, 6]), 1);
    assert.equal(cosineSimilarity([1, 0], [0, 1]), 0);
    assert.equal(cosineSimilarity([1, 0], [-1, 0]), 0);
    assert.equal(cosineSimilarity([0, 0], [1, 0]), 0);
    assert.ok(Math.abs(cosineSimilarity([1, 1], [1, 0]) - Math.SQRT1_2) < 1e-12);
  });
  it('refuses vectors of different lengths', () => {
    assert.throws(() => cosineSimilarity([1], [1, 2]), /different lengths \(1 and 2\)/);
  });
});
