import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../../apis/label-selector.js';
import { selectorMatches } from './label-selector-match.js';

describe('selectorMatches', () => {
  const labels = { team: 'marketing', tier: 'batch', 'governor.agents.dev/agent': 'writer' };
  const cases: {
    name: string;
    selector: LabelSelector | undefined;
    labels?: Record<string, string>;
    ok: boolean;
  }[] = [
    { name: 'an empty selector selects everything', selector: {}, ok: true },
    { name: 'no selector selects everything', selector: undefined, ok: true },
    { name: 'matchLabels equal', selector: { matchLabels: { team: 'marketing' } }, ok: true },
    { name: 'matchLabels differ', selector: { matchLabels: { team: 'support' } }, ok: false },
    { name: 'matchLabels missing key', selector: { matchLabels: { owner: 'x' } }, ok: false },
    {
      name: 'In holds',
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['batch', 'online'] }] },
      ok: true,
    },
    {
      name: 'In without the key',
      selector: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
      ok: false,
    },
    {
      name: 'NotIn holds without the key',
      selector: { matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] },
      ok: true,
    },
    {
      name: 'NotIn fails on a listed value',
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['batch'] }] },
      ok: false,
    },
    { name: 'Exists', selector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] }, ok: true },
    {
      name: 'DoesNotExist',
      selector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist' }] },
      ok: false,
    },
    {
      name: 'labels and expressions are ANDed',
      selector: {
        matchLabels: { team: 'marketing' },
        matchExpressions: [{ key: 'tier', operator: 'In', values: ['online'] }],
      },
      ok: false,
    },
    { name: 'no labels at all', selector: { matchLabels: { team: 'marketing' } }, labels: {}, ok: false },
  ];
  for (const c of cases) {
    it(c.name, () => assert.equal(selectorMatches(c.selector, c.labels ?? labels), c.ok));
  }
});
