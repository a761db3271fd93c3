import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { inClusterConnection, isInCluster } from './in-cluster-connection.js';
import { tokenFile, tokenFileRefreshMs } from './token-source.js';

describe('tokenFile', () => {
  it('re-reads a rotated token after a minute, keeping the last one if the file is briefly gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-'));
    try {
      const path = join(dir, 'token');
      writeFileSync(path, 'first\n');
      let now = 0;
      const token = tokenFile(path, () => now);
      assert.equal(await token(), 'first');
      writeFileSync(path, 'second');
      now = tokenFileRefreshMs - 1;
      assert.equal(await token(), 'first', 'cached within the minute');
      now = tokenFileRefreshMs;
      assert.equal(await token(), 'second');
      rmSync(path);
      now = 3 * tokenFileRefreshMs;
      assert.equal(await token(), 'second');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says which file it could not read the first time', async () => {
    await assert.rejects(
      tokenFile('/nonexistent/token')(),
      /cannot read the bearer token file \/nonexistent\/token/,
    );
  });
});

describe('inClusterConnection', () => {
  it('is used only when KUBERNETES_SERVICE_HOST is set', () => {
    assert.equal(isInCluster({}), false);
    assert.equal(isInCluster({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }), true);
  });

  it('brackets an IPv6 service address and reads the mounted files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sa-'));
    try {
      writeFileSync(join(dir, 'ca.crt'), 'CA');
      writeFileSync(join(dir, 'token'), 'tok');
      writeFileSync(join(dir, 'namespace'), 'agent-governor');
      const connection = inClusterConnection(
        { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
        dir,
      );
      assert.equal(connection.server, 'https://[fd00::1]:443');
      assert.equal(connection.namespace, 'agent-governor');
      assert.equal(connection.tls.ca, 'CA');
      assert.deepEqual(await connection.credentials(), { headers: { authorization: 'Bearer tok' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
