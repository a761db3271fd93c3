import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type JsonPatchStep, jsonPatch, mergePatch, PatchRefused } from './in-memory-patch.js';

describe('mergePatch', () => {
  const cases: Array<[string, unknown, unknown, unknown]> = [
    ['objects merge', { a: 1, b: { c: 2 } }, { b: { d: 3 } }, { a: 1, b: { c: 2, d: 3 } }],
    ['null removes', { a: 1, b: 2 }, { a: null }, { b: 2 }],
    ['arrays are replaced', { a: [1, 2] }, { a: [3] }, { a: [3] }],
    [
      'a missing object is made',
      {},
      { metadata: { annotations: { x: 'y' } } },
      { metadata: { annotations: { x: 'y' } } },
    ],
  ];
  for (const [name, target, patch, expected] of cases) {
    it(name, () => assert.deepEqual(mergePatch(target, patch), expected));
  }
});

describe('jsonPatch', () => {
  const doc = { metadata: { resourceVersion: '5', finalizers: ['a', 'b'] }, status: { x: 1 } };
  const cases: Array<[string, JsonPatchStep[], unknown]> = [
    [
      'add to the end of a list',
      [{ op: 'add', path: '/metadata/finalizers/-', value: 'c' }],
      ['a', 'b', 'c'],
    ],
    [
      'remove after a passing test',
      [
        { op: 'test', path: '/metadata/finalizers/1', value: 'b' },
        { op: 'remove', path: '/metadata/finalizers/1' },
      ],
      ['a'],
    ],
  ];
  for (const [name, operations, finalizers] of cases) {
    it(name, () => assert.deepEqual(jsonPatch(doc, operations).metadata.finalizers, finalizers));
  }

  it('replaces a whole member with add', () => {
    assert.deepEqual(jsonPatch(doc, [{ op: 'add', path: '/status', value: { y: 2 } }]).status, { y: 2 });
  });

  it('refuses a failed test and leaves the document as it was', () => {
    assert.throws(
      () => jsonPatch(doc, [{ op: 'test', path: '/metadata/finalizers', value: ['a'] }]),
      PatchRefused,
    );
    assert.deepEqual(doc.metadata.finalizers, ['a', 'b']);
  });

  it('refuses removing what is not there', () => {
    assert.throws(() => jsonPatch(doc, [{ op: 'remove', path: '/metadata/finalizers/5' }]), PatchRefused);
  });
});
