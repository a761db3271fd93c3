import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
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

  describe('sweep', () => {
    const HOUR = 60 * 60_000;
    const at = (ms: number) => new Date(ms).toISOString();
    const now = Date.parse('2026-03-01T00:00:00Z');
    const fresh = () => {
      const d = mkdtempSync(join(tmpdir(), 'deferred-sweep-'));
      return { d, jobs: new DeferredJobs(d), files: () => readdirSync(join(d, 'deferred')).sort() };
    };

    it('removes delivered jobs past the grace and submitted ones past the window and margin, keeps the rest', () => {
      const { d, jobs, files } = fresh();
      const keep = [DeferredJobs.newId(), DeferredJobs.newId()];
      const drop = [DeferredJobs.newId(), DeferredJobs.newId()];
      jobs.save({ ...job(keep[0]!), createdAt: at(now - 30 * HOUR) });
      jobs.save({
        ...job(keep[1]!),
        state: 'delivered',
        createdAt: at(now - 3 * HOUR),
        deliveredAt: at(now - 10 * 60_000),
      });
      jobs.save({ ...job(drop[0]!), createdAt: at(now - 49 * HOUR) });
      jobs.save({
        ...job(drop[1]!),
        state: 'delivered',
        createdAt: at(now - 3 * HOUR),
        deliveredAt: at(now - 2 * HOUR),
      });
      assert.equal(jobs.sweep(now), 2);
      assert.deepEqual(files(), keep.map((id) => `${id}.json`).sort());
      assert.equal(jobs.get(drop[0]!), undefined);
      rmSync(d, { recursive: true, force: true });
    });

    it('removes stray files (torn .tmp, unreadable) only once they are old, and leaves a claimed job alone', () => {
      const { d, jobs, files } = fresh();
      const dir = join(d, 'deferred');
      const stale = new Date(now - 49 * HOUR);
      writeFileSync(join(dir, 'dfr_000000000000000000000001.json.tmp'), '{');
      utimesSync(join(dir, 'dfr_000000000000000000000001.json.tmp'), stale, stale);
      writeFileSync(join(dir, 'dfr_000000000000000000000002.json'), 'not json');
      const claimed = DeferredJobs.newId();
      jobs.save({ ...job(claimed), createdAt: at(now - 49 * HOUR) });
      assert.equal(jobs.claim(claimed), true);
      assert.equal(jobs.sweep(now), 1);
      assert.deepEqual(files(), [`${claimed}.json`, 'dfr_000000000000000000000002.json'].sort());
      jobs.unclaim(claimed);
      assert.equal(jobs.sweep(now), 1);
      rmSync(d, { recursive: true, force: true });
    });

    it('lists submitted jobs a bounded slice at a time, each in turn', () => {
      const { d, jobs } = fresh();
      const ids = Array.from({ length: 5 }, () => DeferredJobs.newId()).sort();
      for (const id of ids) jobs.save(job(id));
      jobs.save({ ...job(ids[2]!), state: 'completed', result: {} });
      assert.deepEqual(jobs.submitted(2), [ids[0], ids[1]]);
      assert.deepEqual(jobs.submitted(2), [ids[3], ids[4]]);
      assert.deepEqual(jobs.submitted(2), [ids[0], ids[1]]);
      rmSync(d, { recursive: true, force: true });
    });

    it('looks at a bounded slice per sweep and goes on where it stopped', () => {
      const { d, jobs, files } = fresh();
      for (let i = 0; i < 7; i++) jobs.save({ ...job(DeferredJobs.newId()), createdAt: at(now - 49 * HOUR) });
      assert.equal(jobs.sweep(now, 3), 3);
      assert.equal(files().length, 4);
      assert.equal(jobs.sweep(now, 3), 3);
      assert.equal(jobs.sweep(now, 3), 1);
      assert.deepEqual(files(), []);
      assert.equal(jobs.sweep(now, 3), 0);
      rmSync(d, { recursive: true, force: true });
    });
  });
});
