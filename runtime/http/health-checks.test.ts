import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runChecks } from './health-checks.js';

const healthy = { name: 'informers', problem: () => undefined };
const waiting = { name: 'informers', problem: () => 'waiting for the first list of deployments.apps' };
const throwing = {
  name: 'leader-election',
  problem: (): string | undefined => {
    throw new Error('boom');
  },
};

describe('runChecks', () => {
  it('answers a plain ok when everything passes', () => {
    assert.deepEqual(runChecks('readyz', [healthy], false), { status: 200, body: 'ok\n' });
  });

  it('lists every check with ?verbose', () => {
    assert.deepEqual(runChecks('healthz', [healthy, { ...healthy, name: 'ping' }], true), {
      status: 200,
      body: '[+]informers ok\n[+]ping ok\nhealthz check passed\n',
    });
  });

  it('answers 503 naming the failing check and why, verbose or not', () => {
    const report = runChecks('readyz', [waiting, { ...healthy, name: 'shutdown' }], false);
    assert.equal(report.status, 503);
    assert.equal(
      report.body,
      '[-]informers failed: waiting for the first list of deployments.apps\n[+]shutdown ok\nreadyz check failed\n',
    );
  });

  it('counts a check that throws as failed', () => {
    const report = runChecks('healthz', [throwing], false);
    assert.equal(report.status, 503);
    assert.match(report.body, /\[-\]leader-election failed: the check threw: boom/);
  });
});
