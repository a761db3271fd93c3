import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectiveTarget } from '../../apis/effective-policy.js';
import { attemptPlan, type TargetResidency } from './attempt-plan.js';
import { testRoute, testTarget } from './testdata.js';

const allow = (): TargetResidency => ({ allowed: true });
const refuse =
  (names: string[], mode: 'Enforce' | 'Warn' | 'Audit' = 'Enforce') =>
  (t: EffectiveTarget): TargetResidency =>
    names.includes(t.name)
      ? {
          allowed: false,
          mode,
          policy: 'eu-only',
          region: 'us',
          message: `egress to ${t.name} (region us) is not allowed by "eu-only"`,
        }
      : { allowed: true };

describe('attemptPlan', () => {
  const route = testRoute({
    targets: [
      testTarget('openai-us'),
      testTarget('azure-eu', { provider: 'AzureOpenAI', model: 'gpt-4o-prod' }),
      testTarget('local'),
    ],
    degradeTo: { model: 'gpt-4o-mini', target: 'local' },
  });

  it('keeps target order, each target with its own model or the one asked for', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, allow);
    assert.deepEqual(
      plan.targets.map((p) => [p.target.name, p.model]),
      [
        ['openai-us', 'gpt-4o'],
        ['azure-eu', 'gpt-4o-prod'],
        ['local', 'gpt-4o'],
      ],
    );
    assert.deepEqual(plan.skipped, []);
  });

  it('sends a degraded call only to degradeTo.target, with the degraded model', () => {
    const plan = attemptPlan(route, 'gpt-4o', 'gpt-4o-mini', allow);
    assert.deepEqual(
      plan.targets.map((p) => [p.target.name, p.model]),
      [['local', 'gpt-4o-mini']],
    );
  });

  it('sends a degraded call to every target when the route names none', () => {
    const plan = attemptPlan(
      { ...route, degradeTo: { model: 'gpt-4o-mini' } },
      'gpt-4o',
      'gpt-4o-mini',
      allow,
    );
    assert.deepEqual(
      plan.targets.map((p) => p.model),
      ['gpt-4o-mini', 'gpt-4o-mini', 'gpt-4o-mini'],
    );
  });

  it('leaves out targets residency refuses and says why', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, refuse(['openai-us']));
    assert.deepEqual(
      plan.targets.map((p) => p.target.name),
      ['azure-eu', 'local'],
    );
    assert.deepEqual(plan.skipped, ['openai-us:Residency']);
    assert.equal(plan.refusal, undefined);
  });

  it('refuses when residency leaves no target, naming the policy and region', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, refuse(['openai-us', 'azure-eu', 'local']));
    assert.deepEqual(plan.targets, []);
    assert.deepEqual(plan.refusal, {
      policy: 'eu-only',
      region: 'us',
      message: 'egress to openai-us (region us) is not allowed by "eu-only"',
    });
  });

  it('keeps targets that only Warn or Audit objects to, noting it', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, refuse(['openai-us'], 'Warn'));
    assert.equal(plan.targets.length, 3);
    assert.deepEqual(plan.warnings, ['residency-warn:eu-only:openai-us']);
  });

  it('switched to fallback: the next target first, the first one last as a last resort', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, allow, true);
    assert.deepEqual(
      plan.targets.map((p) => p.target.name),
      ['azure-eu', 'local', 'openai-us'],
    );
    assert.equal(plan.switched, true);
  });

  it('switched, with residency refusing the next target: the one after it, then the first', () => {
    const plan = attemptPlan(route, 'gpt-4o', undefined, refuse(['azure-eu']), true);
    assert.deepEqual(
      plan.targets.map((p) => p.target.name),
      ['local', 'openai-us'],
    );
  });

  it('switched with a single target (or a degraded call pinned to one): nothing to switch to', () => {
    const single = attemptPlan(route, 'gpt-4o', 'gpt-4o-mini', allow, true);
    assert.deepEqual(
      single.targets.map((p) => p.target.name),
      ['local'],
    );
    assert.equal(single.switched, undefined);
  });
});
