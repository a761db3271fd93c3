// The harness itself: testCluster() reaches a working cluster (the shared one under
// tools/run-tests.mjs, its own when this file runs alone) and kubectl applies from stdin.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testCluster } from '../../testing/test-cluster.js';

describe('testCluster', () => {
  it('answers /readyz through the built kubectl', async () => {
    const cluster = await testCluster();
    const { code, stdout } = await cluster.kubectl(['get', '--raw', '/readyz']);
    assert.equal(code, 0);
    assert.equal(stdout.trim(), 'ok');
    assert.equal(await testCluster(), await testCluster(), 'one cluster per process');
  });

  it('applies a manifest from stdin and reports failures with stderr', async () => {
    const cluster = await testCluster();
    const name = `harness-${process.pid}`;
    const manifest = `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"${name}","namespace":"default"},"data":{"k":"v"}}`;
    await cluster.kubectl(['apply', '-f', '-'], { input: manifest, check: true });
    const read = await cluster.kubectl(
      ['get', 'configmap', name, '-n', 'default', '-o', 'jsonpath={.data.k}'],
      {
        check: true,
      },
    );
    assert.equal(read.stdout, 'v');
    await cluster.kubectl(['delete', 'configmap', name, '-n', 'default'], { check: true });
    const missing = await cluster.kubectl(['get', 'configmap', name, '-n', 'default']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /not found/);
    assert.equal((await cluster.kubectl(['get', 'no-such-kind'])).code, 1);
    await assert.rejects(
      cluster.kubectl(['get', 'no-such-kind'], { check: true }),
      /kubectl get no-such-kind exited with code 1: .*no-such-kind/,
    );
  });
});
