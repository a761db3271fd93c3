import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EffectiveRoute } from '../../apis/effective-policy.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { attemptPlan } from './attempt-plan.js';
import { CircuitBoard } from './circuit-board.js';
import type { CircuitState } from './circuit-breaker.js';
import { type RouteAnswer, type RouteFailure, RouteRunner } from './route-runner.js';
import { TargetCredentials } from './target-credentials.js';
import { testRoute, testTarget } from './testdata.js';

// The runner against real loopback servers: what reaches the provider and what comes back.
describe('RouteRunner', () => {
  let primary: MockLlm;
  let secondary: MockLlm;
  const changes: string[] = [];
  const board = new CircuitBoard((route, target, state: CircuitState) =>
    changes.push(`${route}/${target}:${state}`),
  );
  const runner = new RouteRunner({
    board,
    credentials: new TargetCredentials({ SECONDARY_KEY: 'sk-secondary' }),
    random: () => 0,
  });

  before(async () => {
    primary = await startMockLlm();
    secondary = await startMockLlm();
  });
  after(async () => {
    await runner.close();
    await primary.close();
    await secondary.close();
  });

  const route = (overrides: Partial<EffectiveRoute> = {}): EffectiveRoute =>
    testRoute({
      name: `route-${Math.random().toString(36).slice(2, 8)}`,
      targets: [
        testTarget('primary', { baseUrl: primary.baseUrl, credentials: { apiKey: 'sk-primary' } }),
        testTarget('secondary', { baseUrl: secondary.baseUrl, credentials: { env: 'SECONDARY_KEY' } }),
      ],
      // Generous: a loaded CI machine can take over a second for a first connection; the tests of
      // timeouts set their own.
      perAttemptTimeoutMs: 10_000,
      overallTimeoutMs: 30_000,
      ...overrides,
    });
  const run = (r: EffectiveRoute, body: Record<string, unknown> = {}, stream = false) => {
    primary.served.length = 0;
    secondary.served.length = 0;
    const full = { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], ...body };
    return runner.run({
      api: 'chat.completions',
      route: r,
      plan: attemptPlan(r, 'gpt-4o', undefined, () => ({ allowed: true })).targets,
      body: { bytes: (model: string) => Buffer.from(JSON.stringify({ ...full, model })) },
      stream,
      headers: { authorization: 'Bearer agent-key', 'user-agent': 'test' },
      startedAt: Date.now(),
      signal: new AbortController().signal,
    });
  };

  it('answers from the first target with its key, never the agent’s', async () => {
    const result = (await run(route())) as RouteAnswer;
    assert.equal(result.kind, 'answer');
    assert.equal(result.target.name, 'primary');
    assert.equal(result.attempts, 1);
    assert.equal(result.body.type, 'json');
    assert.equal(primary.served[0]?.headers['authorization'], 'Bearer sk-primary');
    assert.equal(secondary.served.length, 0);
  });

  it('retries a 429 after its retry-after, then answers', async () => {
    const r = route();
    const began = Date.now();
    primary.enqueue({ kind: 'status', status: 429, headers: { 'retry-after': '0.2' } });
    const result = (await run(r)) as RouteAnswer;
    assert.equal(result.target.name, 'primary');
    assert.equal(result.attempts, 2);
    assert.deepEqual(result.reasons, ['primary:RateLimited']);
    assert.ok(Date.now() - began >= 190, 'waited for retry-after');
  });

  it('moves to the next target after the retries of a 5xx, with that target’s key', async () => {
    const r = route();
    primary.always = { kind: 'status', status: 503 };
    try {
      const result = (await run(r)) as RouteAnswer;
      assert.equal(result.target.name, 'secondary');
      assert.equal(result.attempts, 3);
      assert.deepEqual(result.reasons, ['primary:ServerError', 'primary:ServerError']);
      assert.equal(secondary.served[0]?.headers['authorization'], 'Bearer sk-secondary');
    } finally {
      primary.always = undefined;
    }
  });

  it('does not retry garbage on the same target, and reports its text', async () => {
    const r = route();
    primary.enqueue({ kind: 'garbage' });
    const result = (await run(r)) as RouteAnswer;
    assert.equal(result.target.name, 'secondary');
    assert.deepEqual(result.reasons, ['primary:BadResponse']);
    assert.match(result.unreadable[0] ?? '', /502 Bad Gateway/);
  });

  it('times out a hanging attempt after the per-attempt timeout', async () => {
    const r = route({ perAttemptTimeoutMs: 150, retries: { ...testRoute().retries, attempts: 0 } });
    primary.enqueue({ kind: 'hang' });
    const result = (await run(r)) as RouteAnswer;
    assert.equal(result.target.name, 'secondary');
    assert.deepEqual(result.reasons, ['primary:Timeout']);
  });

  it('reports a refused connection as ConnectionError', async () => {
    const closed = await startMockLlm();
    await closed.close();
    const r = route({
      targets: [
        testTarget('gone', { baseUrl: closed.baseUrl }),
        testTarget('secondary', { baseUrl: secondary.baseUrl }),
      ],
      retries: { ...testRoute().retries, attempts: 0 },
    });
    const result = (await run(r)) as RouteAnswer;
    assert.deepEqual(result.reasons, ['gone:ConnectionError']);
    assert.equal(result.target.name, 'secondary');
  });

  it('relays a client error of the provider without retrying', async () => {
    primary.enqueue({ kind: 'status', status: 400 });
    const result = (await run(route())) as RouteAnswer;
    assert.equal(result.status, 400);
    assert.equal(result.body.type, 'error');
    assert.equal(result.attempts, 1);
  });

  it('gives up at the overall deadline', async () => {
    const r = route({ overallTimeoutMs: 300, perAttemptTimeoutMs: 1000 });
    primary.always = { kind: 'hang' };
    secondary.always = { kind: 'hang' };
    try {
      const began = Date.now();
      const result = (await run(r)) as RouteFailure;
      assert.equal(result.kind, 'failed');
      assert.ok(result.deadlineExceeded);
      assert.ok(Date.now() - began < 1000);
    } finally {
      primary.always = undefined;
      secondary.always = undefined;
    }
  });

  it('opens the circuit after failureThreshold failures and then skips the target', async () => {
    const r = route({ circuitBreaker: { failureThreshold: 2, openMs: 60_000, halfOpenRequests: 1 } });
    primary.always = { kind: 'status', status: 500 };
    try {
      await run(r);
      const second = (await run(r)) as RouteAnswer;
      assert.deepEqual(second.reasons, ['primary:CircuitOpen']);
      assert.equal(second.attempts, 1);
      assert.ok(changes.includes(`${r.name}/primary:Open`));
    } finally {
      primary.always = undefined;
    }
  });

  it('hands a stream over after its first chunk', async () => {
    const result = (await run(route(), { stream: true }, true)) as RouteAnswer;
    assert.equal(result.body.type, 'stream');
    if (result.body.type !== 'stream') return;
    const chunks = [result.body.first];
    for (let next = await result.body.next(); next !== undefined; next = await result.body.next())
      chunks.push(next);
    assert.match(Buffer.concat(chunks).toString(), /data: \[DONE\]/);
  });

  it('falls back when a stream ends before its first event', async () => {
    primary.enqueue({ kind: 'truncate', afterEvents: 0 });
    const result = (await run(route(), { stream: true }, true)) as RouteAnswer;
    assert.ok(result.reasons[0]?.startsWith('primary:'), result.reasons.join());
  });
});
