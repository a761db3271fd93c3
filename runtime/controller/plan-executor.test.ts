import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiError } from '../../testing/fake-kube-client.js';
import { fakeReconcileContext } from '../../testing/fake-reconcile-context.js';
import type { KubeObject } from '../kube/kube-object.js';
import { resourceType } from '../kube/resource-type.js';
import { type ObjectPatch, PlanExecutor } from './plan-executor.js';

const widgets = resourceType<KubeObject & { spec?: { replicas?: number }; status?: Record<string, unknown> }>(
  {
    group: 'example.dev',
    version: 'v1',
    plural: 'widgets',
    kind: 'Widget',
    namespaced: true,
  },
);
const web = { metadata: { namespace: 'shop', name: 'web' }, spec: { replicas: 2 }, status: { ready: 2 } };

describe('PlanExecutor.writeStatus', () => {
  it('writes a changed status, as the plan asked, and says so', async () => {
    const context = fakeReconcileContext();
    context.seed(widgets, web);
    const wrote = await new PlanExecutor(context).writeStatus({
      resource: widgets,
      key: { namespace: 'shop', name: 'web' },
      current: web.status,
      next: { ready: 0 },
    });
    assert.equal(wrote, true);
    assert.deepEqual(context.client.writes(), ['patchStatus widgets.example.dev shop/web']);
    assert.deepEqual(context.cache(widgets).get('shop/web')?.status, { ready: 0 });
    assert.deepEqual(context.cache(widgets).get('shop/web')?.spec, { replicas: 2 });
  });

  it('writes nothing when the status already says it', async () => {
    const context = fakeReconcileContext();
    context.seed(widgets, web);
    const update = { resource: widgets, key: { namespace: 'shop', name: 'web' }, current: web.status };
    assert.equal(await new PlanExecutor(context).writeStatus({ ...update, next: { ready: 2 } }), false);
    assert.deepEqual(context.client.calls, []);
  });

  it('merges when asked to, keeping the fields the plan leaves out', async () => {
    const context = fakeReconcileContext();
    context.seed(widgets, { metadata: { namespace: 'shop', name: 'c' }, status: { a: 1, b: 2 } });
    await new PlanExecutor(context).writeStatus({
      resource: widgets,
      key: { namespace: 'shop', name: 'c' },
      current: { a: 1 },
      next: { a: 3 },
      patch: 'merge',
    });
    assert.deepEqual(context.cache(widgets).get('shop/c')?.status, { a: 3, b: 2 });
  });
});

describe('PlanExecutor.applyInOrder', () => {
  const change = (name: string, version: string): ObjectPatch & { name: string } => ({
    name,
    resource: widgets,
    key: { namespace: 'shop', name },
    patch: { type: 'merge', body: { metadata: { resourceVersion: version }, spec: { replicas: 0 } } },
  });

  it('applies each change in order; a stale one is a conflict, a deleted one gone, and the rest still land', async () => {
    const context = fakeReconcileContext();
    context.seed(
      widgets,
      { metadata: { namespace: 'shop', name: 'a', resourceVersion: '1' } },
      { metadata: { namespace: 'shop', name: 'b', resourceVersion: '7' } },
      { metadata: { namespace: 'shop', name: 'c', resourceVersion: '3' } },
    );
    const landed: string[] = [];
    const outcome = await new PlanExecutor(context).applyInOrder(
      [change('a', '1'), change('b', '6'), change('gone', '1'), change('c', '3')],
      (c, updated) =>
        landed.push(`${c.name}: ${(updated as { spec?: { replicas?: number } }).spec?.replicas}`),
    );
    assert.deepEqual(
      {
        applied: outcome.applied.map((c) => c.name),
        conflicts: outcome.conflicts.map((c) => c.name),
        gone: outcome.gone.map((c) => c.name),
      },
      { applied: ['a', 'c'], conflicts: ['b'], gone: ['gone'] },
    );
    assert.deepEqual(landed, ['a: 0', 'c: 0']);
    assert.deepEqual(
      context.client.calls.map((c) => c.key),
      ['shop/a', 'shop/b', 'shop/gone', 'shop/c'],
    );
  });

  it('stops at a failure that is neither, and throws it', async () => {
    const context = fakeReconcileContext();
    context.seed(widgets, { metadata: { namespace: 'shop', name: 'a', resourceVersion: '1' } });
    context.client.failWhen((call) => (call.verb === 'patch' ? apiError(call, 403, 'Forbidden') : undefined));
    await assert.rejects(
      new PlanExecutor(context).applyInOrder([change('a', '1'), change('a', '1')]),
      /patch widgets.example.dev shop\/a: 403 Forbidden/,
    );
    assert.equal(context.client.calls.length, 1);
  });
});

describe('PlanExecutor.record', () => {
  it('records each planned Event', () => {
    const context = fakeReconcileContext();
    const regarding = { kind: 'Widget', metadata: { namespace: 'shop', name: 'web' } };
    new PlanExecutor(context).record([
      { regarding, event: { type: 'Warning', reason: 'ResidencyViolation', action: 'Audit', note: 'a' } },
      { regarding, event: { type: 'Normal', reason: 'Restored', note: 'b' } },
    ]);
    assert.deepEqual(context.events.reasons(), [
      'Warning ResidencyViolation Widget shop/web',
      'Normal Restored Widget shop/web',
    ]);
  });
});
