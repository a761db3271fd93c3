import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { describe, it } from 'node:test';
import { processIdentity } from './identity.js';

describe('processIdentity', () => {
  it('is the pod name from the downward API', () => {
    assert.equal(processIdentity({ POD_NAME: 'agent-governor-7d9f-abc' }, 1), 'agent-governor-7d9f-abc');
  });
  it('is HOSTNAME in a pod without POD_NAME', () => {
    assert.equal(processIdentity({ KUBERNETES_SERVICE_HOST: '10.96.0.1', HOSTNAME: 'pod-x' }, 1), 'pod-x');
  });
  it('is hostname-pid outside a cluster, so two local replicas differ', () => {
    assert.equal(processIdentity({}, 42), `${hostname()}-42`);
    assert.notEqual(processIdentity({}, 42), processIdentity({}, 43));
  });
});
