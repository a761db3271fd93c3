import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRecord, readCaptureKey, sealRecord } from './capture-cipher.js';

describe('capture cipher', () => {
  const key = randomBytes(32);

  it('round-trips a record, with a fresh IV each time and no plain text in the line', () => {
    const record = { v: 1, answer: 'the secret answer' };
    const a = JSON.stringify(sealRecord(key, record));
    const b = JSON.stringify(sealRecord(key, record));
    assert.notEqual(JSON.parse(a).iv, JSON.parse(b).iv);
    assert.ok(!a.includes('secret'));
    assert.deepEqual(openRecord(key, a), record);
  });

  it('refuses a wrong key and a changed line', () => {
    const line = sealRecord(key, { v: 1 });
    assert.throws(() => openRecord(randomBytes(32), JSON.stringify(line)));
    const data = Buffer.from(line.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    assert.throws(() => openRecord(key, JSON.stringify({ ...line, data: data.toString('base64') })));
  });

  it('reads raw, hex and base64 key files and names the field of a bad one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capture-key-'));
    try {
      const file = join(dir, 'key');
      writeFileSync(file, key);
      assert.deepEqual(readCaptureKey(file, 'capture.keyFile'), key);
      writeFileSync(file, `${key.toString('hex')}\n`);
      assert.deepEqual(readCaptureKey(file, 'capture.keyFile'), key);
      writeFileSync(file, `${key.toString('base64')}\n`);
      assert.deepEqual(readCaptureKey(file, 'capture.keyFile'), key);
      writeFileSync(file, 'short');
      assert.throws(() => readCaptureKey(file, 'capture.keyFile'), /capture\.keyFile: .* 256-bit key/);
      assert.throws(
        () => readCaptureKey(join(dir, 'none'), '--capture-key-file'),
        /--capture-key-file: cannot read/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
