import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { effectivePolicy } from '../../apis/effective-policy.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { BudgetGate } from '../budget/budget-gate.js';
import { TargetCredentials } from '../routing/target-credentials.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { DeferredCalls, type DeferredOutcome } from './deferred-calls.js';
import { DeferredJobs } from './deferred-jobs.js';
import { ProviderBatches } from './provider-batches.js';

describe('DeferredCalls against the mock batch APIs', () => {
  let mock: MockLlm;
  const dir = mkdtempSync(join(tmpdir(), 'deferred-calls-'));
  const batches = new ProviderBatches();
  const records: RequestRecord[] = [];
  const outcomes: DeferredOutcome[] = [];
  let deferred: DeferredCalls;
  let gate: BudgetGate;
  let policy: ReturnType<typeof effectivePolicy.parse>;

  before(async () => {
    mock = await startMockLlm();
    mock.batches.pollsUntilDone = 0;
    policy = effectivePolicy.parse({
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'EffectivePolicy',
      agent: { namespace: 'team-a', name: 'reports' },
      version: '1',
      generatedAt: '2026-01-01T00:00:00Z',
      budgets: [
        {
          name: 'team-a/daily',
          phase: 'Active',
          actions: [],
          limitTokens: 1_000_000,
          usedTokens: 0,
          periodEnd: '2099-01-01T00:00:00Z',
          period: { reset: 'Daily', timeZone: 'UTC' },
        },
      ],
      routes: [
        {
          name: 'gpt-4o',
          model: 'gpt-4o',
          targets: [{ name: 'openai', provider: 'OpenAI', baseUrl: mock.baseUrl }],
        },
      ],
    });
    gate = new BudgetGate();
    gate.setPolicy(policy);
    deferred = new DeferredCalls({
      jobs: new DeferredJobs(dir),
      batches,
      credentials: new TargetCredentials({}),
      gate,
      policy: () => policy,
      finished: (record) => records.push(record),
      outcome: (outcome) => outcomes.push(outcome),
    });
  });
  after(async () => {
    await batches.close();
    await mock?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const submit = () =>
    deferred.submit({
      api: 'chat.completions',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'the report' }] },
      requestedModel: 'gpt-4o',
      route: 'gpt-4o',
      target: policy.routes[0]!.targets[0]!,
      traceId: 'trace-1',
      exceeded: { limit: 'maxCallsPerTrace', value: 1, actual: 2 },
      completionWindow: '24h',
    });

  it('delivers a result once, counted once in the budget', async () => {
    const job = await submit();
    const [first, second] = await Promise.all([deferred.answer(job.id), deferred.answer(job.id)]);
    // One poll works on the job; the other is told it is still in progress.
    assert.deepEqual([first.status, second.status].sort(), [200, 202]);
    assert.equal((await deferred.answer(job.id)).status, 410);
    assert.equal(records.length, 1);
    const used = gate.snapshot()[0]!.usedTokens;
    assert.equal(used, records[0]!.usage.inputTokens + records[0]!.usage.outputTokens);
    assert.deepEqual(outcomes, ['submitted', 'completed', 'delivered']);
  });

  const counted = (id: string) =>
    records.filter((r) => r.decisions.includes(`deferred-completed:${id}`)).length;

  it('counts a result the agent never polls for: the background check fetches, stores and counts it', async () => {
    const job = await submit();
    const usedBefore = gate.snapshot()[0]!.usedTokens;
    await deferred.check(job.id);
    assert.equal(counted(job.id), 1);
    const record = records.at(-1)!;
    assert.equal(
      gate.snapshot()[0]!.usedTokens - usedBefore,
      record.usage.inputTokens + record.usage.outputTokens,
    );
    assert.equal(new DeferredJobs(dir).get(job.id)?.state, 'completed', 'the result waits on disk');
    await deferred.check(job.id);
    const delivered = await deferred.answer(job.id);
    assert.equal(delivered.status, 200);
    assert.match(delivered.body, /chat\.completion/);
    assert.equal(counted(job.id), 1, 'delivery does not count again');
    assert.equal(
      gate.snapshot()[0]!.usedTokens - usedBefore,
      record.usage.inputTokens + record.usage.outputTokens,
    );
    assert.equal((await deferred.answer(job.id)).status, 410);
    const kept = new DeferredJobs(dir).get(job.id)!;
    assert.equal(kept.state, 'delivered');
    assert.equal(kept.result, undefined, 'the body is not kept once delivered');
  });

  for (const first of ['background', 'agent'] as const) {
    it(`counts once and delivers once when the agent polls while the background checks (${first} first)`, async () => {
      const job = await submit();
      const before = records.length;
      const check = () => deferred.check(job.id).then(() => undefined);
      const poll = () => deferred.answer(job.id);
      const [a, b] =
        first === 'background' ? await Promise.all([check(), poll()]) : await Promise.all([poll(), check()]);
      const answered = (a ?? b)!;
      // Another round and more polls meanwhile change nothing.
      const [again] = await Promise.all([poll(), check()]);
      const statuses = [answered.status, again!.status];
      if (first === 'background')
        assert.deepEqual(statuses, [202, 200], 'in progress while held, then the result');
      else assert.deepEqual(statuses, [200, 410], 'the result at once, then gone');
      assert.equal(counted(job.id), 1, 'usage counted exactly once');
      assert.equal(records.length - before, 1);
      if (first === 'background') assert.equal((await poll()).status, 410);
    });
  }

  it('answers a failed batch with its error once, then 410; an unknown id with 404', async () => {
    mock.batches.endAs = 'failed';
    const before = records.length;
    const job = await submit();
    const failed = await deferred.answer(job.id);
    assert.equal(failed.status, 502);
    assert.match(failed.body, /deferred_call_failed/);
    assert.equal((await deferred.answer(job.id)).status, 410);
    assert.equal((await deferred.answer(DeferredJobs.newId())).status, 404);
    assert.equal(records.length, before, 'a failed batch counts no usage');
    assert.equal(outcomes.at(-1), 'failed');
    mock.batches.endAs = 'succeeded';
  });
});
