import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NamespaceIndex } from './namespace-index.js';

describe('NamespaceIndex', () => {
  it('maps an object to the policies of its namespace, and forgets deleted ones', () => {
    const index = new NamespaceIndex();
    assert.deepEqual(index.note({ metadata: { namespace: 'a', name: 'daily' } }), [
      { namespace: 'a', name: 'daily' },
    ]);
    index.note({ metadata: { namespace: 'a', name: 'monthly' } });
    index.note({ metadata: { namespace: 'b', name: 'other' } });
    const workload = { metadata: { namespace: 'a', name: 'writer' } };
    assert.deepEqual(
      index.keysBeside(workload).map((k) => k.name),
      ['daily', 'monthly'],
    );
    index.forget({ namespace: 'a', name: 'daily' });
    assert.deepEqual(
      index.keysBeside(workload).map((k) => k.name),
      ['monthly'],
    );
    assert.deepEqual(index.keysBeside({ metadata: { namespace: 'c', name: 'x' } }), []);
  });
});
