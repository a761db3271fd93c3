import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decide,
  done,
  type ReconcileDecision,
  requeueAfter,
  retry,
  TerminalError,
  terminal,
} from './reconcile-result.js';

const boom = new Error('boom');
const stalled = new TerminalError('spec.targets[0] names no region');

describe('decide', () => {
  const cases: Array<[string, Parameters<typeof decide>[0], ReconcileDecision]> = [
    ['done is a success', { result: done }, { outcome: 'success' }],
    ['returning nothing is a success', { result: undefined }, { outcome: 'success' }],
    [
      'requeueAfter waits that long',
      { result: requeueAfter(30_000) },
      { outcome: 'requeue', delayMs: 30_000 },
    ],
    ['requeueAfter(0) comes back at once', { result: requeueAfter(0) }, { outcome: 'requeue', delayMs: 0 }],
    ['retry(error) is retried with backoff', { result: retry(boom) }, { outcome: 'error', error: boom }],
    ['a thrown error is retried with backoff', { thrown: boom }, { outcome: 'error', error: boom }],
    [
      'terminal(error) is not retried',
      { result: terminal(stalled) },
      { outcome: 'terminal', error: stalled },
    ],
    ['a thrown TerminalError is not retried', { thrown: stalled }, { outcome: 'terminal', error: stalled }],
  ];
  for (const [name, ended, expected] of cases) {
    it(name, () => assert.deepEqual(decide(ended), expected));
  }

  it('wraps a thrown non-Error', () => {
    const decision = decide({ thrown: 'plain string' });
    assert.equal(decision.outcome, 'error');
    assert.equal(decision.outcome === 'error' && decision.error.message, 'plain string');
  });

  for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
    it(`treats requeueAfter(${bad}) as a reconciler bug to retry`, () => {
      const decision = decide({ result: requeueAfter(bad) });
      assert.equal(decision.outcome, 'error');
      assert.match(decision.outcome === 'error' ? decision.error.message : '', /0 ms or more/);
    });
  }

  it('terminal() accepts a message or an error and keeps the cause', () => {
    assert.ok(terminal('bad').error instanceof TerminalError);
    const wrapped = terminal(boom).error as TerminalError;
    assert.equal(wrapped.message, 'boom');
    assert.equal(wrapped.cause, boom);
  });
});
