import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cosineSimilarity } from '../cli/replay/answer-similarity.js';
import { hashedBagOfWords, MOCK_EMBEDDING_DIMENSIONS } from './mock-llm-embeddings.js';

describe('hashedBagOfWords', () => {
  it('gives the same unit vector for the same words, whatever case and punctuation', () => {
    const a = hashedBagOfWords('Your order ships on Monday.');
    assert.equal(a.length, MOCK_EMBEDDING_DIMENSIONS);
    assert.deepEqual(a, hashedBagOfWords('your order, ships on monday'));
    assert.ok(Math.abs(Math.hypot(...a) - 1) < 1e-5);
  });
  it('ranks a text sharing words above an unrelated one', () => {
    const reference = hashedBagOfWords('Your order ships on Monday from the Berlin warehouse.');
    const close = cosineSimilarity(
      reference,
      hashedBagOfWords('Your order ships on Tuesday from the Berlin warehouse.'),
    );
    const far = cosineSimilarity(
      reference,
      hashedBagOfWords('I cannot help with refunds, please call support.'),
    );
    assert.ok(close > 0.7, `close ${close}`);
    assert.ok(far < 0.4, `far ${far}`);
  });
  it('honours the dimensions asked for and gives zeros for a text without words', () => {
    assert.equal(hashedBagOfWords('one two', 8).length, 8);
    assert.deepEqual(hashedBagOfWords('  ...  ', 4), [0, 0, 0, 0]);
  });
});
