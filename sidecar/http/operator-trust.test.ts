import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { operatorConnector, readBundle } from './operator-trust.js';

const dir = mkdtempSync(join(tmpdir(), 'operator-trust-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('readBundle', () => {
  it('names the ConfigMap the operator publishes when the file is missing', () => {
    const read = readBundle(join(dir, 'missing.crt'));
    assert.ok(read instanceof Error);
    assert.match(
      read.message,
      /cannot read the operator's CA bundle .*missing\.crt \(ENOENT\).*agent-governor-services-ca/,
    );
  });
  it('refuses a file without a PEM certificate', () => {
    const file = join(dir, 'empty.crt');
    writeFileSync(file, '');
    const read = readBundle(file);
    assert.ok(read instanceof Error);
    assert.match(read.message, /holds no PEM certificate/);
  });
  it('returns the PEM of a bundle', () => {
    const file = join(dir, 'ca.crt');
    writeFileSync(file, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    assert.match(readBundle(file) as string, /BEGIN CERTIFICATE/);
  });
});

describe('operatorConnector', () => {
  it('fails the connection, never connects unverified, while the bundle is missing', async () => {
    const connect = operatorConnector(join(dir, 'not-yet.crt'));
    const error = await new Promise<Error | null>((resolve) =>
      connect({ hostname: '127.0.0.1', host: '127.0.0.1', protocol: 'https:', port: '1' }, (...args) =>
        resolve(args[0]),
      ),
    );
    assert.match(error?.message ?? '', /cannot read the operator's CA bundle/);
  });
});
