import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sidecarShutdownSeconds } from './sidecar-shutdown.js';

describe('sidecarShutdownSeconds', () => {
  const cases: [string, number | undefined, number][] = [
    ["Kubernetes' default grace period (none set)", undefined, 27],
    ['a grace period of 30 s', 30, 27],
    ['a long grace period', 600, 597],
    ['a grace period just over the margin', 5, 2],
    ['a grace period of the margin', 3, 1],
    ['a grace period of 0 (delete now)', 0, 1],
    ['a fractional grace period', 10.9, 7],
  ];
  for (const [name, grace, seconds] of cases) {
    it(`gives ${seconds} s for ${name}`, () => assert.equal(sidecarShutdownSeconds(grace), seconds));
  }
});
