import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowWrites, writesByResource } from './apiserver-writes.js';

const metrics = (leases: number, budgets: number, reviews: number) => `# HELP apiserver_request_total x
# TYPE apiserver_request_total counter
apiserver_request_total{code="200",component="apiserver",dry_run="",group="coordination.k8s.io",resource="leases",scope="resource",subresource="",verb="PUT",version="v1"} ${leases}
apiserver_request_total{code="200",component="apiserver",dry_run="",group="governor.agents.dev",resource="tokenbudgets",scope="resource",subresource="status",verb="PUT",version="v1alpha1"} ${budgets}
apiserver_request_total{code="201",component="apiserver",dry_run="",group="authentication.k8s.io",resource="tokenreviews",scope="resource",subresource="",verb="POST",version="v1"} ${reviews}
apiserver_request_total{code="200",component="apiserver",dry_run="",group="",resource="configmaps",scope="resource",subresource="",verb="GET",version="v1"} 500
apiserver_request_total{code="0",component="apiserver",dry_run="",group="",resource="configmaps",scope="cluster",subresource="",verb="WATCH",version="v1"} 7
`;

describe('writesByResource', () => {
  it('sums the write verbs by resource and subresource, leaving reads and watches out', () => {
    assert.deepEqual(
      [...writesByResource(metrics(10, 4, 2))],
      [
        ['leases', 10],
        ['tokenbudgets/status', 4],
        ['tokenreviews', 2],
      ],
    );
  });
});

describe('windowWrites', () => {
  it('is the difference per second, reviews apart', () => {
    const window = windowWrites(
      writesByResource(metrics(10, 4, 2)),
      writesByResource(metrics(30, 14, 12)),
      10,
    );
    assert.equal(window.perSecond, 3);
    assert.equal(window.reviewsPerSecond, 1);
    assert.deepEqual(window.byResource, [
      ['leases', 20],
      ['tokenbudgets/status', 10],
    ]);
  });

  it('refuses a window without a length', () => {
    assert.throws(() => windowWrites(new Map(), new Map(), 0), /positive length in seconds, got 0/);
  });
});
