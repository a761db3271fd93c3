import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from './label-selector.js';
import { matchesSelector } from './label-selector-match.js';

const agent = 'governor.agents.dev/agent';

describe('matchesSelector', () => {
  const cases: Array<{
    name: string;
    selector: LabelSelector | undefined;
    labels?: Record<string, string>;
    want: boolean;
  }> = [
    { name: 'empty selector selects everything', selector: {}, labels: { a: 'b' }, want: true },
    { name: 'empty selector selects unlabelled', selector: {}, labels: undefined, want: true },
    { name: 'absent selector selects nothing', selector: undefined, labels: { a: 'b' }, want: false },
    {
      name: 'matchLabels equal',
      selector: { matchLabels: { [agent]: 'marketing' } },
      labels: { [agent]: 'marketing' },
      want: true,
    },
    {
      name: 'matchLabels other value',
      selector: { matchLabels: { [agent]: 'marketing' } },
      labels: { [agent]: 'support' },
      want: false,
    },
    {
      name: 'matchLabels missing key',
      selector: { matchLabels: { [agent]: 'marketing' } },
      labels: {},
      want: false,
    },
    {
      name: 'matchLabels all must hold',
      selector: { matchLabels: { a: '1', b: '2' } },
      labels: { a: '1' },
      want: false,
    },
    {
      name: 'In matches',
      selector: { matchExpressions: [{ key: agent, operator: 'In', values: ['marketing', 'support'] }] },
      labels: { [agent]: 'support' },
      want: true,
    },
    {
      name: 'In without the key',
      selector: { matchExpressions: [{ key: agent, operator: 'In', values: ['support'] }] },
      labels: {},
      want: false,
    },
    {
      name: 'NotIn without the key holds',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] },
      labels: {},
      want: true,
    },
    {
      name: 'NotIn with a listed value',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] },
      labels: { tier: 'batch' },
      want: false,
    },
    {
      name: 'Exists',
      selector: { matchExpressions: [{ key: agent, operator: 'Exists' }] },
      labels: { [agent]: '' },
      want: true,
    },
    {
      name: 'Exists missing',
      selector: { matchExpressions: [{ key: agent, operator: 'Exists' }] },
      labels: { other: 'x' },
      want: false,
    },
    {
      name: 'DoesNotExist',
      selector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
      labels: { other: 'x' },
      want: true,
    },
    {
      name: 'DoesNotExist present',
      selector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
      labels: { skip: '' },
      want: false,
    },
    {
      name: 'labels and expressions are ANDed',
      selector: {
        matchLabels: { team: 'growth' },
        matchExpressions: [{ key: agent, operator: 'In', values: ['marketing'] }],
      },
      labels: { team: 'growth', [agent]: 'support' },
      want: false,
    },
    {
      name: 'inherited object keys are not labels',
      selector: { matchExpressions: [{ key: 'toString', operator: 'Exists' }] },
      labels: {},
      want: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(matchesSelector(c.selector, c.labels), c.want));
  }
});
