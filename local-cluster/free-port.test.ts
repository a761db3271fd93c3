import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { freePorts, isPortFree } from './free-port.js';

describe('freePorts', () => {
  it('hands out distinct ports that can be bound', async () => {
    const ports = await freePorts(4);
    assert.equal(new Set(ports).size, 4);
    for (const port of ports) assert.ok(await isPortFree(port), `${port} not free`);
  });

  it('hands out ports below the ephemeral range, where outgoing connections never take them', async () => {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports = await freePorts(16);
    for (const port of ports) assert.ok(port >= 20_000 && port < low, `${port} outside 20000–${low - 1}`);
  });

  it('sees a port in use as not free', async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const { port } = server.address() as { port: number };
    try {
      assert.equal(await isPortFree(port), false);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
