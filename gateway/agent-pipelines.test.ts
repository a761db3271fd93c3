// The lifecycle of the gateway's per-agent pipelines with a recorded start function; the real
// pipelines behind the real API server are in e2e/gateway/gateway.test.ts.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import type { AgentPipeline, AgentPipelineOptions } from '../sidecar/agent-pipeline.js';
import { AgentPipelines } from './agent-pipelines.js';

const root = mkdtempSync(join(tmpdir(), 'agent-pipelines-'));
after(() => rmSync(root, { recursive: true, force: true }));

function pipelines(options: { maxAgents?: number; idleMs?: number } = {}) {
  let clock = 0;
  const started: AgentPipelineOptions[] = [];
  const closed: string[] = [];
  const set = new AgentPipelines({
    operatorUrl: 'http://operator.invalid',
    spoolRoot: join(root, String(Math.random())),
    logger: pino({ level: 'silent' }),
    now: () => clock,
    ...options,
    start: async (opts) => {
      started.push(opts);
      const name = `${opts.agent?.namespace}/${opts.agent?.name}`;
      return {
        close: async () => void closed.push(name),
        scrape: async () => ({ body: `# ${name}` }),
      } as never as AgentPipeline;
    },
  });
  return { set, started, closed, tick: (ms: number) => (clock += ms) };
}
const a = { namespace: 'team-a', name: 'support' };
const b = { namespace: 'team-a', name: 'writer' };

describe('AgentPipelines', () => {
  it('starts one pipeline per agent on its first call, with the agent’s token in its spool', async () => {
    const { set, started } = pipelines();
    const first = await set.acquire(a, 'token-1');
    const second = await set.acquire(a, 'token-1');
    assert.ok(first.ok && second.ok);
    assert.equal(started.length, 1);
    const options = started[0] as AgentPipelineOptions;
    assert.deepEqual(options.agent, a);
    assert.equal(options.processMetrics, false);
    assert.equal(readFileSync(options.tokenFile as string, 'utf8'), 'token-1');
    assert.equal(statSync(options.tokenFile as string).mode & 0o777, 0o600);
    first.release();
    second.release();
    await set.close();
  });

  it('writes a rotated token where the pipeline reads it', async () => {
    const { set, started } = pipelines();
    (await set.acquire(a, 'old')).ok;
    const lease = await set.acquire(a, 'new');
    assert.ok(lease.ok);
    lease.release();
    await set.close();
    assert.equal(readFileSync(started[0]?.tokenFile as string, 'utf8'), 'new');
  });

  it('hands a started pipeline at once, and waits only while a rotated token is written', async () => {
    const { set, started, closed, tick } = pipelines({ idleMs: 1_000 });
    const first = await set.acquire(a, 'old');
    const again = set.acquire(a, 'old');
    assert.ok(!(again instanceof Promise), 'a started pipeline needs no promise');
    assert.ok(first.ok && again.ok && again.pipeline === first.pipeline);
    const rotated = set.acquire(a, 'new');
    assert.ok(rotated instanceof Promise, 'a new token is on disk before the call goes on');
    const lease = await rotated;
    assert.ok(lease.ok);
    assert.equal(readFileSync(started[0]?.tokenFile as string, 'utf8'), 'new');
    const after = set.acquire(a, 'new');
    assert.ok(!(after instanceof Promise) && after.ok);
    for (const held of [first, again, lease]) held.release();
    // A second release of one lease changes nothing: the call of `after` still holds the pipeline.
    first.release();
    tick(1_001);
    set.closeIdle();
    assert.equal(set.size, 1);
    after.release();
    tick(1_001);
    set.closeIdle();
    assert.equal(set.size, 0);
    await set.close();
    assert.deepEqual(closed, ['team-a/support']);
  });

  it('closes a pipeline idle for idleMs, never one with a call in flight', async () => {
    const { set, closed, tick } = pipelines({ idleMs: 1_000 });
    const busy = await set.acquire(a, 't');
    const idle = await set.acquire(b, 't');
    assert.ok(busy.ok && idle.ok);
    idle.release();
    tick(1_001);
    set.closeIdle();
    await set.close();
    assert.deepEqual(closed.slice(0, 1), ['team-a/writer']);
  });

  it('makes room by closing the least recently used idle pipeline, and refuses when all are busy', async () => {
    const { set, closed } = pipelines({ maxAgents: 1 });
    const first = await set.acquire(a, 't');
    assert.ok(first.ok);
    const refused = await set.acquire(b, 't');
    assert.ok(!refused.ok && refused.error.status === 503 && /limit/.test(refused.error.message));
    first.release();
    const second = await set.acquire(b, 't');
    assert.ok(second.ok);
    assert.deepEqual(closed, ['team-a/support']);
    assert.equal(set.size, 1);
    second.release();
    await set.close();
  });

  it('answers 503 naming the agent when its pipeline cannot start, and tries again on the next call', async () => {
    let fail = true;
    const set = new AgentPipelines({
      operatorUrl: 'http://operator.invalid',
      spoolRoot: join(root, 'failing'),
      logger: pino({ level: 'silent' }),
      start: async () => {
        if (fail) throw new Error('no policy');
        return { close: async () => undefined } as never as AgentPipeline;
      },
    });
    const refused = await set.acquire(a, 't');
    assert.ok(
      !refused.ok &&
        /policy of agent team-a\/support cannot be had now \(no policy\)/.test(refused.error.message),
    );
    fail = false;
    assert.equal((await set.acquire(a, 't')).ok, true);
    await set.close();
  });
});
