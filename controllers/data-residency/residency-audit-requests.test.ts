import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';
import { ResidencyAuditRequests } from './residency-audit-requests.js';

describe('ResidencyAuditRequests', () => {
  it('drops requests while no controller listens (a standby), queues them while one does', () => {
    let now = 100_000;
    const requests = new ResidencyAuditRequests({ now: () => now });
    assert.equal(requests.request('eu-only'), false);
    assert.equal(requests.dueIn('eu-only', now), undefined, 'a dropped request leaves nothing due');

    const queued: Array<{ key: ObjectKey; delayMs: number | undefined }> = [];
    const unsubscribe = requests.subscribe((key, delayMs) => queued.push({ key, delayMs }));
    assert.equal(requests.request('eu-only'), true);
    assert.deepEqual(queued, [{ key: { name: 'eu-only' }, delayMs: 2_000 }]);
    now += 2_000;
    assert.equal(requests.dueIn('eu-only', now), 0);
    requests.audited('eu-only', now);
    assert.equal(requests.dueIn('eu-only', now), undefined);

    unsubscribe();
    assert.equal(requests.request('eu-only'), false);
    assert.equal(queued.length, 1);
  });

  it('forgets a deleted policy', () => {
    const requests = new ResidencyAuditRequests({ now: () => 0 });
    requests.subscribe(() => {});
    requests.request('gone');
    requests.forget('gone');
    assert.equal(requests.dueIn('gone', 10_000), undefined);
  });
});
