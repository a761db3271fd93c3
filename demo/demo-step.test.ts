import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEMO, type DemoContext } from './demo-context.js';
import { demoLayout } from './demo-layout.js';
import { type DemoStep, runSteps } from './demo-step.js';
import { Narrator } from './narration.js';

function contextWith(abort = new AbortController()) {
  const lines: string[] = [];
  const context: DemoContext = {
    layout: demoLayout('/tmp/demo-step-test'),
    narrator: new Narrator({ write: (t) => lines.push(t), tty: false }),
    signal: abort.signal,
    capabilities: { flags: new Set() },
    operatorNamespace: DEMO.operatorNamespace,
    mocks: {},
    sidecars: {},
  };
  return { context, lines, abort };
}

function step(
  title: string,
  checks: string[],
  run: DemoStep['run'],
  extra: Partial<DemoStep> = {},
): DemoStep {
  return {
    title,
    checks: checks.map((c) => ({ step: c, expected: `${c} expected` })),
    required: false,
    run,
    ...extra,
  };
}

const holds =
  (text: string): DemoStep['run'] =>
  async (_c, observe) =>
    observe(text, true);

describe('runSteps', () => {
  it('gives every check a row, in order', async () => {
    const { context } = contextWith();
    const outcomes = await runSteps(context, [
      step('one', ['a'], holds('seen a')),
      step('two', ['b', 'c'], async (_c, observe) => {
        observe('seen b', true);
        observe('saw something else', false);
      }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.step, o.verdict, o.observed]),
      [
        ['a', 'held', 'seen a'],
        ['b', 'held', 'seen b'],
        ['c', 'failed', 'saw something else'],
      ],
    );
  });

  it('fails the check a step was on when it throws, and leaves its other checks not run', async () => {
    const { context, lines } = contextWith();
    const outcomes = await runSteps(context, [
      step('budget', ['50 %', '75 %', '100 %'], async (_c, observe) => {
        observe('51 %', true);
        throw new Error('TokenBudget team-daily to reach 75 % not within 20 s');
      }),
      step('outage', ['outage'], holds('fell back')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.step, o.verdict]),
      [
        ['50 %', 'held'],
        ['75 %', 'failed'],
        ['100 %', 'not-run'],
        ['outage', 'held'],
      ],
      'a step nothing depends on does not stop the story',
    );
    assert.match(outcomes[1]!.observed, /not within 20 s/);
    assert.ok(lines.join('').includes('✘ 75 %: TokenBudget team-daily to reach 75 % not within 20 s'));
  });

  it('stops after a required step failed', async () => {
    const { context } = contextWith();
    let ran = false;
    const outcomes = await runSteps(context, [
      step(
        'control plane',
        ['control plane'],
        async () => {
          throw new Error('etcd exited with code 1');
        },
        { required: true },
      ),
      step('operator', ['operator'], async (_c, observe) => {
        ran = true;
        observe('ready', true);
      }),
    ]);
    assert.equal(ran, false);
    assert.equal(outcomes[1]?.verdict, 'not-run');
    assert.equal(outcomes[1]?.observed, 'not run: an earlier step failed (control plane)');
  });

  it('does not run a step that says it cannot, and says why', async () => {
    const { context, lines } = contextWith();
    const outcomes = await runSteps(context, [
      step('residency', ['residency'], holds('refused'), { unavailable: () => 'no admission webhooks' }),
    ]);
    assert.equal(outcomes[0]?.verdict, 'not-run');
    assert.equal(outcomes[0]?.observed, 'not run: no admission webhooks');
    assert.ok(lines.join('').includes('residency: skipped, no admission webhooks'));
  });

  it('runs nothing more once interrupted', async () => {
    const { context, abort } = contextWith();
    const outcomes = await runSteps(context, [
      step('one', ['a'], async (_c, observe) => {
        observe('seen', true);
        abort.abort();
      }),
      step('two', ['b'], holds('never')),
    ]);
    assert.deepEqual(
      outcomes.map((o) => [o.verdict, o.observed]),
      [
        ['held', 'seen'],
        ['not-run', 'not run: the demo was interrupted'],
      ],
    );
  });
});
