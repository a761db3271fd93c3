import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { UsageBatch } from '../../apis/usage-batch.js';
import { UsageSpool } from './usage-spool.js';

const root = mkdtempSync(join(tmpdir(), 'usage-spool-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `spool-${++dirs}`);

const body: Omit<UsageBatch, 'instance' | 'sequence'> = {
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'UsageBatch',
  agent: { namespace: 'team-a', name: 'support-bot' },
  sentAt: '2025-03-01T10:00:00.000Z',
  entries: [],
};

describe('UsageSpool', () => {
  it('keeps its instance id for the life of the directory, and a new directory is a new instance', async () => {
    const dir = freshDir();
    const first = new UsageSpool(dir);
    await first.open();
    const again = new UsageSpool(dir);
    await again.open();
    const other = new UsageSpool(freshDir());
    await other.open();
    assert.ok(first.instance.length > 0 && first.instance.length <= 128);
    assert.equal(again.instance, first.instance);
    assert.notEqual(other.instance, first.instance);
  });

  it('hands out sequences from 1, growing across reopen even when every batch was acknowledged', async () => {
    const dir = freshDir();
    const spool = new UsageSpool(dir);
    await spool.open();
    assert.equal((await spool.append(body)).sequence, 1);
    assert.equal((await spool.append(body)).sequence, 2);
    await spool.remove(1);
    await spool.remove(2);
    const reopened = new UsageSpool(dir);
    await reopened.open();
    assert.equal((await reopened.append(body)).sequence, 3);
  });

  it('never reuses a sequence whose batch was written just before a crash', async () => {
    const dir = freshDir();
    const spool = new UsageSpool(dir);
    await spool.open();
    await spool.append(body);
    const second = await spool.append(body);
    // the crash: the batch file of 2 exists, the counter still says 1
    writeFileSync(join(dir, 'sequence'), '1');
    const reopened = new UsageSpool(dir);
    await reopened.open();
    assert.deepEqual(await reopened.pendingSequences(), [1, 2]);
    assert.deepEqual(await reopened.read(2), second);
    assert.equal((await reopened.append(body)).sequence, 3);
  });

  it('writes batches whole, leaving no temporary file behind', async () => {
    const dir = freshDir();
    const spool = new UsageSpool(dir);
    await spool.open();
    const batch = await spool.append(body);
    const files = readdirSync(dir).sort();
    assert.deepEqual(files, ['batch-000000000001.json', 'instance', 'sequence']);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')), batch);
  });

  it('names the file when a spooled batch is damaged, and sets a refused batch aside', async () => {
    const dir = freshDir();
    const spool = new UsageSpool(dir);
    await spool.open();
    await spool.append(body);
    writeFileSync(join(dir, 'batch-000000000001.json'), '{"kind":"UsageBatch"');
    await assert.rejects(spool.read(1), /usage spool file .*batch-000000000001\.json is not JSON/);
    const aside = await spool.reject(1);
    assert.match(aside, /rejected\/batch-000000000001\.json$/);
    assert.deepEqual(await spool.pendingSequences(), []);
  });

  it('refuses a directory it cannot create, naming the problem', async () => {
    const file = join(root, 'a-file');
    writeFileSync(file, '');
    await assert.rejects(new UsageSpool(join(file, 'spool')).open(), /ENOTDIR|EEXIST/);
  });
});
