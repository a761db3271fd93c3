import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import type { GateRequest } from './gate-verdict.js';
import { ModelChoice } from './model-choice.js';
import { budget } from './testdata/policies.js';

const REQUEST: GateRequest = {
  api: 'chat.completions',
  model: 'gpt-4o',
  traceId: 't',
  estimatedInputTokens: 10,
  worstCaseOutputTokens: 10,
  targetModel: 'my-azure-gpt-4o',
};
const DAILY = effectiveBudget.parse(budget({ degradeModel: 'gpt-4o-mini' }));
const PLAIN = effectiveBudget.parse(budget({ name: 'team-a/weekly' }));

describe('ModelChoice', () => {
  it('is priced as the first target’s model until degraded, then as the cheaper model', () => {
    const choice = new ModelChoice(REQUEST, undefined, [], false, []);
    assert.equal(choice.called, 'my-azure-gpt-4o');
    choice.degrade(DAILY);
    assert.equal(choice.model, 'gpt-4o-mini');
    assert.equal(choice.called, 'gpt-4o-mini');
  });

  it('degrades once: the first budget decides', () => {
    const decisions: string[] = [];
    const choice = new ModelChoice(REQUEST, undefined, [], false, decisions);
    choice.degrade(PLAIN);
    choice.degrade(DAILY);
    assert.equal(choice.model, 'gpt-4o');
    assert.deepEqual(decisions, ['degrade:no-model:team-a/weekly']);
  });

  it('leaves a simplified call on its cheaper model', () => {
    const decisions: string[] = [];
    const choice = new ModelChoice(REQUEST, 'gpt-4.1-nano', [], true, decisions);
    choice.degrade(DAILY);
    assert.equal(choice.model, 'gpt-4.1-nano');
    assert.deepEqual(decisions, []);
  });

  it('takes the cheaper model of the route that matches the model when the budget and request name none', () => {
    const decisions: string[] = [];
    const routes = [{ model: 'gpt-4o', degradeTo: { model: 'gpt-4o-mini' } }] as never;
    const choice = new ModelChoice(REQUEST, undefined, routes, true, decisions);
    choice.degrade(PLAIN);
    assert.equal(choice.model, 'gpt-4o-mini');
    assert.deepEqual(decisions, ['degraded:gpt-4o-mini']);
  });
});
