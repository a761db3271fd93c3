import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { effectiveBudget } from '../../apis/effective-policy.js';
import {
  callsPerTraceMessage,
  chainDepthMessage,
  exhaustedMessage,
  insufficientMessage,
  shedMessage,
  throttledMessage,
} from './refusal-messages.js';
import { budget } from './testdata/policies.js';

const tokens = effectiveBudget.parse(budget());
const money = effectiveBudget.parse(
  budget({ limitTokens: undefined, limitCostMicros: 150_000_000, currency: 'EUR' }),
);
const at = '2025-06-17T00:00:00.000Z';

describe('refusal messages name the limit, the value and the budget', () => {
  const cases: [string, string, string][] = [
    [
      'exhausted tokens',
      exhaustedMessage(tokens, { tokens: 1003, costMicros: 0 }, at),
      'Token budget "team-a/daily" is exhausted: 1003 of 1000 tokens used this period. It resets at 2025-06-17T00:00:00.000Z.',
    ],
    [
      'exhausted money',
      exhaustedMessage(money, { tokens: 5, costMicros: 150_250_000 }, at),
      'Token budget "team-a/daily" is exhausted: 150.25 EUR of 150.00 EUR used this period. It resets at 2025-06-17T00:00:00.000Z.',
    ],
    [
      'no room for the worst case',
      insufficientMessage(
        tokens,
        { tokens: 600, costMicros: 0 },
        { tokens: 300, costMicros: 0 },
        { inputTokens: 50, outputTokens: 100, costMicros: 0 },
        at,
      ),
      'Token budget "team-a/daily" cannot cover this request: its worst case is 150 tokens (50 input + 100 output), ' +
        'but 600 used and 300 reserved by calls in flight leave 100 of 1000 tokens. ' +
        'Lower max_tokens, or retry when calls in flight have finished; the budget resets at 2025-06-17T00:00:00.000Z.',
    ],
    [
      'no room for the worst cost',
      insufficientMessage(
        money,
        { tokens: 0, costMicros: 149_000_000 },
        { tokens: 0, costMicros: 500_000 },
        { inputTokens: 1, outputTokens: 1, costMicros: 600_000 },
        at,
      ),
      'Token budget "team-a/daily" cannot cover this request: its worst case costs 0.60 EUR, but 0.50 EUR of 150.00 EUR ' +
        'are left after usage and calls in flight. Lower max_tokens, or retry when calls in flight have finished; ' +
        'the budget resets at 2025-06-17T00:00:00.000Z.',
    ],
    [
      'throttled',
      throttledMessage(tokens, 60, 1),
      'Token budget "team-a/daily" throttles this agent to 60 requests per minute (Throttle is in force); retry in 1 s.',
    ],
    [
      'calls per trace, with the use case',
      callsPerTraceMessage('4bf92f35', 20, { maxCallsPerTrace: 20, useCase: 'summarize' }),
      'Reasoning budget exceeded: trace 4bf92f35 has already made 20 calls, and at most 20 calls per trace are allowed for use case "summarize".',
    ],
    [
      'chain depth',
      chainDepthMessage(6, { maxChainDepth: 5 }),
      'Reasoning budget exceeded: chain depth 6 (header x-governor-chain-depth) is deeper than the maximum of 5.',
    ],
    [
      'shed',
      shedMessage('team-a/errors', { namespace: 'team-a', name: 'bot' }),
      'SLO "team-a/errors" is burning its error budget fast and sheds non-critical agents (ShedNonCritical); ' +
        'agent team-a/bot is not critical, so this call is refused until the burn rate drops.',
    ],
  ];
  for (const [name, actual, expected] of cases) it(name, () => assert.equal(actual, expected));
});
