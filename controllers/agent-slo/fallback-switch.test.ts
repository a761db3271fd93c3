import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type FallbackSwitchDecision, fallbackSwitch, type SwitchedToFallback } from './fallback-switch.js';

const now = new Date('2026-03-11T12:00:00.000Z');
const at = (secondsBefore: number) => new Date(now.getTime() - secondsBefore * 1000).toISOString();
const DWELL = 300_000;

describe('fallbackSwitch', () => {
  const cases: {
    name: string;
    previous?: SwitchedToFallback;
    configured?: boolean;
    fastBurn: boolean;
    expected: FallbackSwitchDecision;
  }[] = [
    {
      name: 'no fast burn, no switch: nothing happens',
      fastBurn: false,
      expected: { switched: undefined },
    },
    {
      name: 'fast burn starts: switch at once',
      fastBurn: true,
      expected: { switched: { since: now.toISOString() }, transition: 'SwitchedToFallback' },
    },
    {
      name: 'fast burn goes on: the switch keeps its start, no new Event',
      previous: { since: at(600) },
      fastBurn: true,
      expected: { switched: { since: at(600) } },
    },
    {
      name: 'fast burn clears: the switch holds and the dwell starts',
      previous: { since: at(600) },
      fastBurn: false,
      expected: {
        switched: { since: at(600), fastBurnClearedAt: now.toISOString() },
        recheckAfterMs: DWELL,
      },
    },
    {
      name: 'cleared for less than the dwell: still switched, recheck when the dwell ends',
      previous: { since: at(600), fastBurnClearedAt: at(120) },
      fastBurn: false,
      expected: { switched: { since: at(600), fastBurnClearedAt: at(120) }, recheckAfterMs: 180_000 },
    },
    {
      name: 'cleared for exactly the dwell: switch back',
      previous: { since: at(600), fastBurnClearedAt: at(300) },
      fastBurn: false,
      expected: { switched: undefined, transition: 'SwitchedBack' },
    },
    {
      name: 'fast burn returns inside the dwell: still switched, the cleared time forgotten',
      previous: { since: at(600), fastBurnClearedAt: at(60) },
      fastBurn: true,
      expected: { switched: { since: at(600) } },
    },
    {
      name: 'SwitchToFallback removed from the actions while switched: switch back',
      previous: { since: at(600) },
      configured: false,
      fastBurn: true,
      expected: { switched: undefined, transition: 'SwitchedBack' },
    },
    {
      name: 'not configured: fast burn switches nothing',
      configured: false,
      fastBurn: true,
      expected: { switched: undefined },
    },
    {
      name: 'an unreadable cleared time counts as a dwell served',
      previous: { since: at(600), fastBurnClearedAt: 'yesterday' },
      fastBurn: false,
      expected: { switched: undefined, transition: 'SwitchedBack' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const decision = fallbackSwitch({
        previous: c.previous,
        configured: c.configured ?? true,
        fastBurn: c.fastBurn,
        switchBackAfterMs: DWELL,
        now,
      });
      assert.deepEqual(decision, c.expected);
    });
  }
});
