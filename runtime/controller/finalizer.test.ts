import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakeReconcileContext } from '../../testing/fake-reconcile-context.js';
import type { KubeObject } from '../kube/kube-object.js';
import { configMaps } from '../kube/resources.js';
import { finalizer, finalizerStep } from './finalizer.js';
import { done, type ReconcileResult, requeueAfter } from './reconcile-result.js';

const NAME = 'example.dev/cleanup';

describe('finalizerStep', () => {
  const cases: Array<[string, KubeObject['metadata'], ReturnType<typeof finalizerStep>]> = [
    ['live, without the finalizer: add it, then apply', { finalizers: ['other.dev/x'] }, 'add-then-apply'],
    ['live, with it: apply', { finalizers: ['other.dev/x', NAME] }, 'apply'],
    ['being deleted, with it: clean up', { finalizers: [NAME], deletionTimestamp: 'x' }, 'cleanup'],
    [
      'being deleted, without it: nothing of ours',
      { finalizers: ['other.dev/x'], deletionTimestamp: 'x' },
      'none',
    ],
  ];
  for (const [name, metadata, expected] of cases) {
    it(name, () => assert.equal(finalizerStep({ metadata }, NAME), expected));
  }
});

/** Handlers that log what they were called with and answer `cleanupResult`. */
function handlers(cleanupResult: ReconcileResult = done) {
  const called: string[] = [];
  return {
    called,
    apply: async (o: KubeObject) => {
      called.push(`apply ${o.metadata?.finalizers?.join(',')}`);
      return requeueAfter(1_000);
    },
    cleanup: async (o: KubeObject) => {
      called.push(`cleanup ${o.metadata?.name}`);
      return cleanupResult;
    },
  };
}

describe('finalizer', () => {
  const key = { namespace: 'shop', name: 'c' };

  it('adds the finalizer, testing the list it read, then applies with the object carrying it', async () => {
    const context = fakeReconcileContext();
    context.seed(configMaps, { metadata: { ...key, finalizers: ['other.dev/x'] } });
    const target = { client: context.client, resource: configMaps, name: NAME };
    const h = handlers();
    const result = await finalizer(target, context.cache(configMaps).get(key)!, h);
    assert.deepEqual(result, requeueAfter(1_000));
    assert.deepEqual(h.called, [`apply other.dev/x,${NAME}`]);
    assert.deepEqual(context.cache(configMaps).get(key)?.metadata?.finalizers, ['other.dev/x', NAME]);
    // Applying again adds nothing: the helper is idempotent.
    await finalizer(target, context.cache(configMaps).get(key)!, h);
    assert.deepEqual(context.client.writes(), ['patch configmaps shop/c']);
  });

  it('takes a stale read that missed our own finalizer from the stored object', async () => {
    const context = fakeReconcileContext();
    context.seed(configMaps, { metadata: { ...key, resourceVersion: '5', finalizers: [NAME] } });
    const stale = { metadata: { ...key, resourceVersion: '4' } };
    const h = handlers();
    await finalizer({ client: context.client, resource: configMaps, name: NAME }, stale, h);
    assert.deepEqual(h.called, [`apply ${NAME}`]);
    assert.deepEqual(
      context.client.calls.map((c) => c.verb),
      ['patch', 'get'],
    );
  });

  it('does not overwrite a finalizer list someone changed since it was read', async () => {
    const context = fakeReconcileContext();
    context.seed(configMaps, { metadata: { ...key, finalizers: ['other.dev/x', 'other.dev/y'] } });
    const stale = { metadata: { ...key, finalizers: ['other.dev/x'] } };
    await assert.rejects(
      finalizer({ client: context.client, resource: configMaps, name: NAME }, stale, handlers()),
      /422 Invalid/,
    );
    assert.deepEqual(context.cache(configMaps).get(key)?.metadata?.finalizers, [
      'other.dev/x',
      'other.dev/y',
    ]);
  });

  it('on deletion: cleans up, then removes the finalizer and the object goes', async () => {
    const context = fakeReconcileContext();
    context.seed(configMaps, { metadata: { ...key, finalizers: [NAME] } });
    await context.client.delete(configMaps, key);
    const h = handlers();
    const result = await finalizer(
      { client: context.client, resource: configMaps, name: NAME },
      context.cache(configMaps).get(key)!,
      h,
    );
    assert.deepEqual(result, done);
    assert.deepEqual(h.called, ['cleanup c']);
    assert.equal(context.cache(configMaps).get(key), undefined);
  });

  it('keeps the finalizer while cleanup is not finished, and returns its result', async () => {
    const context = fakeReconcileContext();
    context.seed(configMaps, {
      metadata: { ...key, finalizers: [NAME], deletionTimestamp: '2025-03-11T12:00:00Z' },
    });
    const result = await finalizer(
      { client: context.client, resource: configMaps, name: NAME },
      context.cache(configMaps).get(key)!,
      handlers(requeueAfter(250)),
    );
    assert.deepEqual(result, requeueAfter(250));
    assert.deepEqual(context.client.writes(), []);
    assert.deepEqual(context.cache(configMaps).get(key)?.metadata?.finalizers, [NAME]);
  });

  it('leaves an object being deleted without our finalizer alone', async () => {
    const context = fakeReconcileContext();
    const h = handlers();
    const result = await finalizer(
      { client: context.client, resource: configMaps, name: NAME },
      { metadata: { ...key, finalizers: ['other.dev/x'], deletionTimestamp: 'x' } },
      h,
    );
    assert.deepEqual(result, done);
    assert.deepEqual(h.called, []);
    assert.deepEqual(context.client.calls, []);
  });
});
