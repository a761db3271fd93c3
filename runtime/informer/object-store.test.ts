import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../kube/kube-object.js';
import { ObjectStore } from './object-store.js';

const obj = (namespace: string | undefined, name: string, resourceVersion: string): KubeObject => ({
  metadata: { ...(namespace ? { namespace } : {}), name, resourceVersion },
});

describe('ObjectStore', () => {
  it('finds objects by key, string key, and namespace', () => {
    const store = new ObjectStore();
    store.upsert(obj('a', 'x', '1'));
    store.upsert(obj('a', 'y', '2'));
    store.upsert(obj('b', 'x', '3'));
    store.upsert(obj(undefined, 'cluster-wide', '4'));
    assert.equal(store.size, 4);
    assert.equal(store.get({ namespace: 'b', name: 'x' })?.metadata?.resourceVersion, '3');
    assert.equal(store.get('a/y')?.metadata?.resourceVersion, '2');
    assert.equal(store.get('cluster-wide')?.metadata?.resourceVersion, '4');
    assert.equal(store.get('c/x'), undefined);
    assert.deepEqual(
      store
        .list('a')
        .map((o) => o.metadata?.name)
        .sort(),
      ['x', 'y'],
    );
    assert.equal(store.list().length, 4);
  });

  it('reports add, update, no change for the same version, and delete with the last state', () => {
    const store = new ObjectStore();
    assert.equal(store.upsert(obj('a', 'x', '1'))?.type, 'add');
    const update = store.upsert(obj('a', 'x', '2'));
    assert.equal(update?.type, 'update');
    assert.equal(update?.type === 'update' && update.old.metadata?.resourceVersion, '1');
    assert.equal(store.upsert(obj('a', 'x', '2')), undefined);
    const deleted = store.remove(obj('a', 'x', '3'));
    assert.deepEqual(deleted, { type: 'delete', object: obj('a', 'x', '2') });
    assert.equal(store.remove(obj('a', 'x', '3')), undefined);
    assert.equal(store.size, 0);
    assert.deepEqual(store.list('a'), []);
  });

  it('turns a relist into the changes a missed watch would have delivered', () => {
    const store = new ObjectStore();
    store.replace([obj('a', 'kept', '1'), obj('a', 'changed', '1'), obj('a', 'gone', '1')]);
    const changes = store.replace([obj('a', 'kept', '1'), obj('a', 'changed', '5'), obj('b', 'new', '6')]);
    assert.deepEqual(
      changes.map((c) => `${c.type} ${c.object.metadata?.namespace}/${c.object.metadata?.name}`),
      ['update a/changed', 'add b/new', 'delete a/gone'],
    );
    assert.deepEqual(
      store
        .list()
        .map((o) => o.metadata?.name)
        .sort(),
      ['changed', 'kept', 'new'],
    );
  });
});
