import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KeyIndex } from './key-index.js';

describe('KeyIndex', () => {
  it('lists noted keys by namespace and all of them, and forgets', () => {
    const index = new KeyIndex();
    assert.deepEqual(index.note('agents', 'marketing'), { namespace: 'agents', name: 'marketing' });
    index.note('agents', 'support');
    index.note('agents', 'support');
    index.note('other', 'marketing');
    assert.deepEqual(index.inNamespace('agents'), [
      { namespace: 'agents', name: 'marketing' },
      { namespace: 'agents', name: 'support' },
    ]);
    assert.equal(index.all().length, 3);
    index.forget('other', 'marketing');
    index.forget('nowhere', 'x');
    assert.deepEqual(index.inNamespace('other'), []);
    assert.equal(index.all().length, 2);
  });
});
