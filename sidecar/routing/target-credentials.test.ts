import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TargetCredentials } from './target-credentials.js';
import { testTarget } from './testdata.js';

const dir = mkdtempSync(join(tmpdir(), 'credentials-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('TargetCredentials', () => {
  it('reads a key inline, from a variable or from a file (trimmed)', () => {
    const file = join(dir, 'key');
    writeFileSync(file, 'sk-from-file\n');
    const creds = new TargetCredentials({ KEY: 'sk-from-env' });
    assert.deepEqual(creds.lookup(testTarget('a', { credentials: { apiKey: 'sk-inline' } })), {
      ok: true,
      apiKey: 'sk-inline',
    });
    assert.deepEqual(creds.lookup(testTarget('a', { credentials: { env: 'KEY' } })), {
      ok: true,
      apiKey: 'sk-from-env',
    });
    assert.deepEqual(creds.lookup(testTarget('a', { credentials: { file } })), {
      ok: true,
      apiKey: 'sk-from-file',
    });
    assert.deepEqual(creds.lookup(testTarget('a')), { ok: true, apiKey: undefined });
  });

  it('names the missing variable or file, never a key', () => {
    const creds = new TargetCredentials({});
    assert.deepEqual(creds.lookup(testTarget('a', { credentials: { env: 'OPENAI_API_KEY' } })), {
      ok: false,
      problem: 'environment variable OPENAI_API_KEY of the sidecar is not set',
    });
    const missing = creds.lookup(testTarget('a', { credentials: { file: join(dir, 'nope') } }));
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? '' : missing.problem, /cannot read key file .*nope \(ENOENT\)/);
  });

  it('picks up a rotated key file after the refresh interval', () => {
    const file = join(dir, 'rotating');
    writeFileSync(file, 'old');
    let now = 0;
    const creds = new TargetCredentials({}, 1000, () => now);
    const target = testTarget('a', { credentials: { file } });
    assert.deepEqual(creds.lookup(target), { ok: true, apiKey: 'old' });
    writeFileSync(file, 'new');
    now = 999;
    assert.deepEqual(creds.lookup(target), { ok: true, apiKey: 'old' }, 'cached within the interval');
    now = 1000;
    assert.deepEqual(creds.lookup(target), { ok: true, apiKey: 'new' });
  });
});
