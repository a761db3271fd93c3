import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  nextPolicyVersion,
  parsePolicyVersion,
  pollDecision,
  secondsSincePublish,
} from './policy-version.js';

describe('parsePolicyVersion', () => {
  const cases: [string | undefined, number | undefined][] = [
    ['1718000000000', 1718000000000],
    ['7', 7],
    ['0', 0],
    [undefined, undefined],
    ['', undefined],
    ['v3', undefined],
    ['-1', undefined],
    ['1.5', undefined],
    ['99999999999999999', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected}`, () =>
      assert.equal(parsePolicyVersion(text), expected));
  }
});

describe('nextPolicyVersion', () => {
  it('is the publish time for the first publish', () => assert.equal(nextPolicyVersion(0, 1_000.7), 1_000));
  it('goes up by one when two publishes share a millisecond', () =>
    assert.equal(nextPolicyVersion(1_000, 1_000), 1_001));
  it('stays above the previous version when the clock went back', () =>
    assert.equal(nextPolicyVersion(5_000, 1_000), 5_001));
  it('goes above the highest version a sidecar holds', () =>
    assert.equal(nextPolicyVersion(1_000, 1_000, 9_000), 9_001));
});

describe('secondsSincePublish', () => {
  it('is the time from the version (its publish in ms) to now, in seconds', () => {
    assert.equal(secondsSincePublish(1_700_000_000_000, 1_700_000_000_250), 0.25);
    assert.equal(secondsSincePublish(1_700_000_000_000, 1_700_000_000_000), 0);
  });

  it('says nothing of a version ahead of this clock', () => {
    assert.equal(secondsSincePublish(1_700_000_000_500, 1_700_000_000_000), undefined);
  });
});

describe('pollDecision', () => {
  const published = { versionNumber: 200, origin: 'published' } as const;
  const restored = { versionNumber: 200, origin: 'restored' } as const;
  const cases: [string, Parameters<typeof pollDecision>[0], string | undefined, string][] = [
    ['no policy, first poll', undefined, undefined, 'not-found'],
    ['no policy, a sidecar holding one', undefined, '100', 'wait'],
    ['first poll', published, undefined, 'answer'],
    ['same version', published, '200', 'wait'],
    ['older version held', published, '100', 'answer'],
    ['newer version held than a published one', published, '300', 'answer'],
    ['a version that is not ours', published, 'from-file', 'answer'],
    ['restored, first poll', restored, undefined, 'answer'],
    ['restored, older held', restored, '100', 'answer'],
    ['restored, newer held (the mirror lagged)', restored, '300', 'wait'],
    ['restored, same version', restored, '200', 'wait'],
  ];
  for (const [name, current, after, expected] of cases) {
    it(`${name}: ${expected}`, () => assert.equal(pollDecision(current, after), expected));
  }
});
