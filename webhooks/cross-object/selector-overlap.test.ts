import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../../apis/label-selector.js';
import { type SelectorOverlap, selectorOverlap } from './selector-overlap.js';

const labels = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels });
const expr = (...matchExpressions: NonNullable<LabelSelector['matchExpressions']>): LabelSelector => ({
  matchExpressions,
});

const cases: Array<[string, LabelSelector | undefined, LabelSelector | undefined, SelectorOverlap]> = [
  ['identical matchLabels', labels({ app: 'chat' }), labels({ app: 'chat' }), 'contains'],
  ['{} selects every agent', {}, labels({ app: 'chat' }), 'contains'],
  ['two empty selectors', {}, {}, 'contains'],
  ['a subset of labels', labels({ app: 'chat' }), labels({ app: 'chat', tier: 'gold' }), 'contains'],
  [
    'matchLabels and the same In',
    labels({ app: 'chat' }),
    expr({ key: 'app', operator: 'In', values: ['chat'] }),
    'contains',
  ],
  [
    'the same expressions in another order',
    expr({ key: 'a', operator: 'Exists' }, { key: 'b', operator: 'In', values: ['y', 'x'] }),
    expr({ key: 'b', operator: 'In', values: ['x', 'y'] }, { key: 'a', operator: 'Exists' }),
    'contains',
  ],
  ['different values of one key', labels({ app: 'chat' }), labels({ app: 'search' }), 'none'],
  ['different keys may meet on one agent', labels({ team: 'a' }), labels({ tier: 'gold' }), 'possible'],
  [
    'In sets that share a value',
    expr({ key: 'app', operator: 'In', values: ['a', 'b'] }),
    expr({ key: 'app', operator: 'In', values: ['b', 'c'] }),
    'possible',
  ],
  [
    'In sets that share none',
    expr({ key: 'app', operator: 'In', values: ['a'] }),
    expr({ key: 'app', operator: 'In', values: ['b', 'c'] }),
    'none',
  ],
  [
    'In excluded by NotIn',
    labels({ app: 'a' }),
    expr({ key: 'app', operator: 'NotIn', values: ['a'] }),
    'none',
  ],
  [
    'Exists against DoesNotExist',
    expr({ key: 'x', operator: 'Exists' }),
    expr({ key: 'x', operator: 'DoesNotExist' }),
    'none',
  ],
  ['a label against DoesNotExist', labels({ x: '1' }), expr({ key: 'x', operator: 'DoesNotExist' }), 'none'],
  [
    'NotIn leaves other values',
    labels({ app: 'b' }),
    expr({ key: 'app', operator: 'NotIn', values: ['a'] }),
    'possible',
  ],
  ['an absent selector selects nothing', undefined, {}, 'none'],
  [
    'an unknown operator selects nothing',
    expr({ key: 'x', operator: 'Gt' as 'In', values: ['1'] }),
    {},
    'none',
  ],
];

describe('selectorOverlap', () => {
  for (const [what, a, b, want] of cases) {
    it(`${what}: ${want}`, () => {
      assert.equal(selectorOverlap(a, b), want);
      assert.equal(selectorOverlap(b, a), want, 'symmetric');
    });
  }
});
