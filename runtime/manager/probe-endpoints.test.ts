import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { startProbeEndpoints } from './probe-endpoints.js';

const checks = { healthz: [{ name: 'ping', problem: () => undefined }], readyz: [] };

describe('startProbeEndpoints', () => {
  it('serves /metrics and the probes on one server when both name the same address', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    await new Promise<void>((resolve) => taken.close(() => resolve()));
    const listen = { host: '127.0.0.1', port };
    const endpoints = await startProbeEndpoints({
      metrics: listen,
      health: listen,
      registry: new Registry(),
      ...checks,
    });
    try {
      assert.equal(endpoints.metricsUrl, endpoints.healthUrl);
      assert.equal((await fetch(`${endpoints.healthUrl}/healthz`)).status, 200);
      assert.equal((await fetch(`${endpoints.metricsUrl}/metrics`)).status, 200);
    } finally {
      await endpoints.close();
    }
  });

  it('port 0 twice: two servers on two free ports', async () => {
    const listen = { host: '127.0.0.1', port: 0 };
    const endpoints = await startProbeEndpoints({
      metrics: listen,
      health: listen,
      registry: new Registry(),
      ...checks,
    });
    try {
      assert.notEqual(endpoints.metricsUrl, endpoints.healthUrl);
      assert.equal((await fetch(`${endpoints.metricsUrl}/healthz`)).status, 404);
      assert.equal((await fetch(`${endpoints.healthUrl}/healthz`)).status, 200);
    } finally {
      await endpoints.close();
    }
  });

  it('a port in use: fails, naming the address', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      await assert.rejects(
        startProbeEndpoints({
          metrics: { host: '127.0.0.1', port: 0 },
          health: { host: '127.0.0.1', port },
          registry: new Registry(),
          ...checks,
        }),
        new RegExp(`cannot listen on 127.0.0.1:${port}: the port is in use`),
      );
    } finally {
      await new Promise<void>((resolve) => taken.close(() => resolve()));
    }
  });

  it('nothing asked: no server', async () => {
    const endpoints = await startProbeEndpoints({
      metrics: false,
      health: false,
      registry: new Registry(),
      ...checks,
    });
    assert.deepEqual([endpoints.metricsUrl, endpoints.healthUrl], [undefined, undefined]);
  });
});
