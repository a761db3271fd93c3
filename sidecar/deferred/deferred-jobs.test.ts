import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type DeferredJob, DeferredJobs } from './deferred-jobs.js';

describe('DeferredJobs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deferred-jobs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const job = (id: string): DeferredJob => ({
    id,
    createdAt: '2026-01-01T00:00:00Z',
    api: 'chat.completions',
    requestedModel: 'gpt-4o',
    model: 'gpt-4o',
    traceId: 't',
    route: 'gpt-4o',
    target: 'openai',
    batch: { provider: 'OpenAI', batchId: 'batch_1', customId: id },
    exceeded: { limit: 'maxCallsPerTrace', value: 3, actual: 4 },
    state: 'submitted',
  });

  it('keeps jobs on disk: another store on the same spool reads them (a restart)', () => {
    const id = DeferredJobs.newId();
    new DeferredJobs(dir).save(job(id));
    const again = new DeferredJobs(dir);
    assert.deepEqual(again.get(id), job(id));
    again.save({ ...job(id), state: 'delivered', deliveredStatus: 200 });
    assert.equal(new DeferredJobs(dir).get(id)?.state, 'delivered');
  });

  it('knows no id it did not give out, nor one that is not of its shape', () => {
    const jobs = new DeferredJobs(dir);
    assert.equal(jobs.get(DeferredJobs.newId()), undefined);
    assert.equal(jobs.get('../../etc/passwd'), undefined);
  });

  it('lets one poller at a time work on a job', () => {
    const jobs = new DeferredJobs(dir);
    assert.equal(jobs.claim('a'), true);
    assert.equal(jobs.claim('a'), false);
    jobs.unclaim('a');
    assert.equal(jobs.claim('a'), true);
  });
});
