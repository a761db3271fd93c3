import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBudget } from './budget-step.js';

describe('how the budget is told', () => {
  for (const [status, text] of [
    [undefined, 'no status yet'],
    [{ percent: 0, phase: 'Active', used: { tokens: 0 } }, '0 % (0 of 6,000 tokens) Active'],
    [
      { percent: 51, phase: 'Warning', used: { tokens: 3088 }, activeActions: ['Alert'] },
      '51 % (3,088 of 6,000 tokens) Warning [Alert]',
    ],
    [
      {
        percent: 101,
        phase: 'Exhausted',
        used: { tokens: 6070 },
        activeActions: ['Alert', 'Degrade', 'Suspend'],
      },
      '101 % (6,070 of 6,000 tokens) Exhausted [Alert, Degrade, Suspend]',
    ],
    [{}, '0 % (0 of 6,000 tokens) Active'],
  ] as const) {
    it(`tells "${text}"`, () => assert.equal(describeBudget(status as never, 6000), text));
  }
});
