import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { countsAgainstCircuit, failureOfError, failureOfStatus } from './attempt-failure.js';

describe('failureOfStatus', () => {
  const cases: [number, string | undefined][] = [
    [200, undefined],
    [400, undefined],
    [401, undefined],
    [404, undefined],
    [408, 'Timeout'],
    [429, 'RateLimited'],
    [500, 'ServerError'],
    [503, 'ServerError'],
    [529, 'ServerError'],
  ];
  for (const [status, failure] of cases)
    it(`${status} → ${failure}`, () => assert.equal(failureOfStatus(status), failure));
});

describe('failureOfError', () => {
  const error = (code: string) => Object.assign(new Error(code), { code });
  const cases: [unknown, string][] = [
    [error('ECONNREFUSED'), 'ConnectionError'],
    [error('ECONNRESET'), 'ConnectionError'],
    [error('UND_ERR_SOCKET'), 'ConnectionError'],
    [new Error('wrapped', { cause: error('ENOTFOUND') }), 'ConnectionError'],
    [error('UND_ERR_HEADERS_TIMEOUT'), 'Timeout'],
    [error('UND_ERR_CONNECT_TIMEOUT'), 'Timeout'],
    [Object.assign(new Error('x'), { name: 'AbortError' }), 'Timeout'],
    [new Error('something odd'), 'ConnectionError'],
  ];
  for (const [err, failure] of cases)
    it(`${(err as Error).message} → ${failure}`, () => assert.equal(failureOfError(err), failure));
});

describe('countsAgainstCircuit', () => {
  it('counts target faults, not configuration gaps', () => {
    assert.ok(countsAgainstCircuit('ServerError'));
    assert.ok(countsAgainstCircuit('BadResponse'));
    assert.ok(!countsAgainstCircuit('NoCredentials'));
    assert.ok(!countsAgainstCircuit('UnsupportedApi'));
  });
});
