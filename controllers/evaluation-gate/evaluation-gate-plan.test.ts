import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EvaluationGate } from '../../apis/evaluation-gate.js';
import { podTemplateHash } from '../../governance/pod-template-hash.js';
import type { Deployment, Job, Pod } from '../../runtime/kube/resources.js';
import { type CorpusState, type EvaluationGatePlan, planEvaluationGate } from './evaluation-gate-plan.js';
import {
  deployment,
  failing,
  formatReplaySummary,
  gate,
  jobFrom,
  NOW,
  passing,
  podOf,
} from './testdata/evaluation-fixtures.js';

function plan(
  g: EvaluationGate,
  deployments: Deployment[],
  jobs: Job[] = [],
  pods: Pod[] = [],
  corpus: CorpusState = 'Found',
): EvaluationGatePlan {
  return planEvaluationGate({
    gate: g,
    deployments,
    jobs,
    pods,
    corpus,
    defaultImage: 'operator:1',
    now: NOW,
  });
}

const reasons = (p: EvaluationGatePlan) => p.events.map((e) => `${e.event.reason}@${e.regarding.kind}`);
const condition = (p: EvaluationGatePlan, type: string) => p.status.conditions?.find((c) => c.type === type);
const after = (g: EvaluationGate, p: EvaluationGatePlan): EvaluationGate => ({ ...g, status: p.status });

const v1 = deployment('support:1');
const v1Hash = podTemplateHash(v1.spec?.template);
const v2Held = deployment('support:2', {
  paused: true,
  hold: podTemplateHash(deployment('support:2').spec?.template),
});
const v2Hash = podTemplateHash(v2Held.spec?.template);

test('a first evaluation starts the replay Job and holds nothing (no version has passed yet)', () => {
  const p = plan(gate(), [v1]);
  assert.equal(p.createJob?.metadata?.name, `support-gate-eval-${v1Hash.slice(0, 10)}`);
  assert.deepEqual(p.deleteJobs, []);
  assert.equal(p.rollout, undefined);
  assert.equal(p.status.verdict, 'Pending');
  assert.equal(p.status.templateHash, v1Hash);
  assert.equal(p.status.jobName, p.createJob?.metadata?.name);
  assert.equal(condition(p, 'Reconciling')?.status, 'True');
  assert.equal(condition(p, 'Evaluated')?.status, 'Unknown');
  assert.deepEqual(reasons(p), ['JobStarted@EvaluationGate']);
});

test('a running replay stays Pending and says nothing new; a passing summary passes the template', () => {
  const started = plan(gate(), [v1]);
  const job = jobFrom(started.createJob as Job);
  const running = plan(after(gate(), started), [v1], [job], [podOf(job)]);
  assert.equal(running.createJob, undefined);
  assert.equal(running.status.verdict, 'Pending');
  assert.deepEqual(running.events, []);

  const passed = plan(
    after(gate(), running),
    [v1],
    [job],
    [podOf(job, { exitCode: 0, message: formatReplaySummary(passing) })],
  );
  assert.equal(passed.status.verdict, 'Pass');
  assert.equal(passed.status.passedTemplateHash, v1Hash);
  assert.equal(passed.status.passRate, 0.95);
  assert.equal(passed.status.p95Ms, 900);
  assert.equal(passed.status.lastEvaluatedAt, NOW.toISOString());
  assert.equal(condition(passed, 'Ready')?.status, 'True');
  assert.equal(condition(passed, 'Evaluated')?.reason, 'Passed');
  assert.deepEqual(reasons(passed), ['Passed@EvaluationGate']);
  assert.equal(passed.rollout, undefined);

  // Idempotent: the same view planned again writes the same status and says nothing.
  const again = plan(
    after(gate(), passed),
    [v1],
    [job],
    [podOf(job, { exitCode: 0, message: formatReplaySummary(passing) })],
  );
  assert.deepEqual(again.status, passed.status);
  assert.deepEqual(again.events, []);
  assert.equal(again.createJob, undefined);

  // A spec edit (a new generation) after the verdict is observed, the verdict kept.
  const edited = after({ ...gate(), metadata: { ...gate().metadata, generation: 2 } }, passed);
  const observed = plan(edited, [v1], [job], []);
  assert.equal(observed.status.observedGeneration, 2);
  assert.equal(condition(observed, 'Ready')?.observedGeneration, 2);
  assert.equal(observed.status.verdict, 'Pass');
  assert.equal(observed.createJob, undefined);
});

const passedV1: EvaluationGate['status'] = {
  verdict: 'Pass',
  templateHash: v1Hash,
  passedTemplateHash: v1Hash,
  evaluation: v1Hash,
  jobName: `support-gate-eval-${v1Hash.slice(0, 10)}`,
};

test('a held new template gets its own Job (the old one deleted); a failure keeps it held and says so', () => {
  const oldJob = jobFrom(plan(gate(), [v1]).createJob as Job);
  const started = plan(gate({}, passedV1), [v2Held], [oldJob]);
  assert.deepEqual(started.deleteJobs, [oldJob.metadata?.name]);
  assert.ok(started.createJob);
  assert.equal(started.rollout, undefined, 'already paused by the webhook');
  assert.equal(started.status.passedTemplateHash, v1Hash);
  assert.equal(started.status.passRate, undefined, 'the numbers are the new evaluation’s');

  const job = jobFrom(started.createJob as Job);
  const failed = plan(
    after(gate(), started),
    [v2Held],
    [job],
    [podOf(job, { exitCode: 1, message: formatReplaySummary(failing) })],
  );
  assert.equal(failed.status.verdict, 'Fail');
  assert.deepEqual(failed.status.failed, ['passRate 0.6 < 0.9']);
  assert.equal(failed.status.passedTemplateHash, v1Hash);
  assert.equal(condition(failed, 'Stalled')?.reason, 'EvaluationFailed');
  assert.equal(condition(failed, 'Evaluated')?.status, 'False');
  assert.equal(failed.rollout, undefined);
  assert.deepEqual(reasons(failed), [
    'Failed@EvaluationGate',
    'RolloutHeld@EvaluationGate',
    'RolloutHeld@Deployment',
  ]);

  // Unpaused by hand while it has not passed: paused again.
  const unpaused = deployment('support:2', { paused: false, hold: v2Hash });
  const rehold = plan(after(gate(), failed), [unpaused], [job], []);
  assert.equal(rehold.rollout?.hold, true);
  assert.deepEqual(rehold.rollout?.patch, {
    type: 'apply',
    force: true,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'support',
        namespace: 'agents',
        annotations: {
          'governor.agents.dev/evaluation-hold': v2Hash,
          'governor.agents.dev/evaluation-hold-applied': v2Hash,
        },
      },
      spec: { paused: true },
    },
  });
});

test('a passing held template is released: paused false and the hold annotation removed', () => {
  const started = plan(gate({}, passedV1), [v2Held]);
  const job = jobFrom(started.createJob as Job);
  const passed = plan(
    after(gate(), started),
    [v2Held],
    [job],
    [podOf(job, { exitCode: 0, message: formatReplaySummary(passing) })],
  );
  assert.equal(passed.status.passedTemplateHash, v2Hash);
  assert.deepEqual(passed.rollout, {
    deployment: 'support',
    hold: false,
    patch: {
      type: 'merge',
      body: {
        metadata: {
          resourceVersion: '42',
          annotations: {
            'governor.agents.dev/evaluation-hold': null,
            'governor.agents.dev/evaluation-hold-applied': null,
          },
        },
        spec: { paused: false },
      },
    },
  });
  assert.deepEqual(reasons(passed), [
    'Passed@EvaluationGate',
    'RolloutReleased@EvaluationGate',
    'RolloutReleased@Deployment',
  ]);
});

test('a template the webhook did not pause is held by the controller; a pause a person set is never touched', () => {
  const v2 = deployment('support:2');
  const p = plan(gate({}, passedV1), [v2]);
  assert.equal(p.rollout?.hold, true);
  assert.ok(reasons(p).includes('RolloutHeld@Deployment'));

  const pausedByHand = deployment('support:1', { paused: true });
  const untouched = plan(gate({}, passedV1), [pausedByHand]);
  assert.equal(untouched.rollout, undefined);
});

test('a hold the webhook wrote is taken over by the operator’s server-side apply, once', () => {
  const webhookHeld = deployment('support:2', { paused: true, hold: v2Hash, applied: false });
  const adopted = plan(gate({}, passedV1), [webhookHeld]);
  assert.equal(adopted.rollout?.hold, true);
  assert.equal(adopted.rollout?.patch.type, 'apply');
  assert.match(adopted.events.at(-1)?.event.note ?? '', /the rollout-hold webhook paused the new template/);
  assert.equal(plan(gate({}, passedV1), [v2Held]).rollout, undefined);
});

test('Observe mode never holds and releases what Enforce held', () => {
  assert.equal(plan(gate({ mode: 'Observe' }, passedV1), [deployment('support:2')]).rollout, undefined);
  const released = plan(gate({ mode: 'Observe' }, passedV1), [v2Held]);
  assert.equal(released.rollout?.hold, false);
});

test('a summary that does not parse, a refused input and a deadline are Errors, never a pass', () => {
  const started = plan(gate({}, passedV1), [v2Held]);
  const job = jobFrom(started.createJob as Job);
  const cases: [Pod[], Job, string][] = [
    [
      [podOf(job, { exitCode: 0, message: 'TypeError: x is undefined\n    at replay' })],
      job,
      'UnreadableSummary',
    ],
    [[podOf(job, { exitCode: 0, message: '{"v":1,"verdict":"Pass"}' })], job, 'UnreadableSummary'],
    [[podOf(job, { exitCode: 2, message: 'corpus line 3: not JSON' })], job, 'ReplayRefusedInput'],
    [
      [],
      jobFrom(started.createJob as Job, {
        reason: 'DeadlineExceeded',
        message: 'Job was active longer than specified deadline',
      }),
      'EvaluationTimedOut',
    ],
    [
      [],
      jobFrom(started.createJob as Job, { reason: 'BackoffLimitExceeded', message: 'pod failed' }),
      'ReplayJobFailed',
    ],
  ];
  for (const [pods, j, reason] of cases) {
    const p = plan(after(gate(), started), [v2Held], [j], pods);
    assert.equal(p.status.verdict, 'Error', reason);
    assert.equal(p.status.passedTemplateHash, v1Hash, reason);
    assert.equal(condition(p, 'Stalled')?.reason, reason);
    assert.equal(p.rollout, undefined, `${reason}: stays held`);
    assert.ok(reasons(p).includes(`${reason}@EvaluationGate`), reason);
  }
  const unreadable = plan(after(gate(), started), [v2Held], [job], cases[0]?.[0]);
  assert.match(
    condition(unreadable, 'Stalled')?.message ?? '',
    /without a summary: replay summary: expected the JSON summary/,
  );
});

test('the gate judges the numbers itself: a summary saying Pass over the p95 limit fails', () => {
  const started = plan(gate(), [v1]);
  const job = jobFrom(started.createJob as Job);
  const slow = { ...passing, p95Ms: 4500 };
  const p = plan(
    after(gate(), started),
    [v1],
    [job],
    [podOf(job, { exitCode: 0, message: formatReplaySummary(slow) })],
  );
  assert.equal(p.status.verdict, 'Fail');
  assert.deepEqual(p.status.failed, ['p95Ms 4500 > 2000']);
});

test('evaluate-requested-at asks for a new evaluation of the same template', () => {
  const requested = gate({}, passedV1, {
    'governor.agents.dev/evaluate-requested-at': '2026-12-06T20:00:00Z',
  });
  const p = plan(requested, [v1]);
  assert.ok(p.createJob);
  assert.notEqual(p.status.evaluation, v1Hash);
  assert.equal(p.status.templateHash, v1Hash);
  assert.equal(p.status.verdict, 'Pending');
});

test('Stalled, naming what is wrong: no corpus, no Deployment, two Deployments, an invalid spec', () => {
  const missing = plan(gate(), [v1], [], [], 'ConfigMapNotFound');
  assert.equal(missing.createJob, undefined);
  assert.match(
    condition(missing, 'Stalled')?.message ?? '',
    /ConfigMap support-corpus \(spec\.corpus\.configMapRef\.name\) does not exist in namespace agents/,
  );
  const noKey = plan(gate(), [v1], [], [], 'KeyNotFound');
  assert.match(condition(noKey, 'Stalled')?.message ?? '', /has no key corpus\.jsonl/);
  const none = plan(gate(), []);
  assert.equal(condition(none, 'Stalled')?.reason, 'AgentNotFound');
  const other = { ...v1, metadata: { ...v1.metadata, name: 'support-canary' } };
  assert.match(
    condition(plan(gate(), [v1, other]), 'Stalled')?.message ?? '',
    /2 Deployments \(support, support-canary\)/,
  );
  const invalid = plan(gate({ criteria: { minPassRate: 3 } }), [v1]);
  assert.match(
    condition(invalid, 'Stalled')?.message ?? '',
    /spec\.criteria\.minPassRate: must be between 0 and 1/,
  );
  // A Stalled reason already reported is not reported again.
  assert.deepEqual(plan(after(gate(), none), []).events, []);
});
