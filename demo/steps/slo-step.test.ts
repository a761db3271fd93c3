import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSlo, shortestBurn } from './slo-step.js';

describe('how the SLO is told', () => {
  const burning = {
    latency: { observed: '427ms', goodPercent: '82.857' },
    success: { observedPercent: '100' },
    errorBudgetRemainingPercent: '-242.857',
    burnRates: [
      { window: '5m' as const, rate: '3.43' },
      { window: '1h' as const, rate: '0.5' },
    ],
  };

  it('names latency, success, error budget left and the burn rate per window', () => {
    assert.equal(
      describeSlo(burning),
      'latency 427ms (82.857 % fast), success 100 %, error budget left -242.857 %, burn 5m 3.43x, 1h 0.5x',
    );
    assert.equal(describeSlo(undefined), 'no status yet');
    assert.equal(describeSlo({}), 'latency ? (? % fast), success ? %, error budget left ? %, burn ?');
  });

  it('reads the 5-minute burn rate as a number', () => {
    assert.equal(shortestBurn(burning), 3.43);
    assert.equal(shortestBurn({ burnRates: [{ window: '1h', rate: '2' }] }), 0);
    assert.equal(shortestBurn(undefined), 0);
  });
});
