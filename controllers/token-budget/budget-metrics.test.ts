import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { budgetMetrics } from './budget-metrics.js';

describe('budgetMetrics', () => {
  it('shows usage, percent and the current phase per budget, and forgets a deleted budget', async () => {
    const registry = new Registry();
    const metrics = budgetMetrics(registry);
    const key = { namespace: 'agents', name: 'daily' };
    metrics.observe(key, { tokens: 1500, percent: 75.5, phase: 'Warning' });
    const text = await registry.metrics();
    assert.match(text, /governor_operator_budget_used_tokens\{namespace="agents",name="daily"\} 1500/);
    assert.match(text, /governor_operator_budget_percent\{namespace="agents",name="daily"\} 75.5/);
    assert.match(text, /governor_operator_budget_phase\{namespace="agents",name="daily",phase="Warning"\} 1/);
    assert.match(text, /governor_operator_budget_phase\{namespace="agents",name="daily",phase="Active"\} 0/);
    assert.doesNotThrow(() => budgetMetrics(registry), 'a second factory call reuses the gauges');
    metrics.forget(key);
    assert.doesNotMatch(await registry.metrics(), /name="daily"/);
  });

  it('counts unpriced calls by model and reason, and drops a model gone from the period', async () => {
    const registry = new Registry();
    const metrics = budgetMetrics(registry);
    const key = { namespace: 'agents', name: 'eur' };
    metrics.observe(key, {
      tokens: 10,
      percent: 1,
      phase: 'Active',
      unpriced: [
        { model: 'mystery-model', reason: 'UnpricedModel', calls: 3 },
        { model: 'gpt-4o', reason: 'UnconvertibleCurrency', calls: 2 },
      ],
    });
    const name = 'governor_operator_budget_unpriced_calls';
    let text = await registry.metrics();
    assert.match(
      text,
      new RegExp(`${name}\\{namespace="agents",name="eur",model="mystery-model",reason="UnpricedModel"\\} 3`),
    );
    assert.match(
      text,
      new RegExp(
        `${name}\\{namespace="agents",name="eur",model="gpt-4o",reason="UnconvertibleCurrency"\\} 2`,
      ),
    );
    metrics.observe(key, { tokens: 10, percent: 1, phase: 'Active', unpriced: [] });
    text = await registry.metrics();
    assert.doesNotMatch(text, new RegExp(`${name}\\{`));
  });
});
