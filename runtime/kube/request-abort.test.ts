import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { RequestAbort } from './request-abort.js';

describe('RequestAbort', () => {
  it('fires with the reason of whichever caller signal fires', () => {
    const term = new AbortController();
    const shutdown = new AbortController();
    const abort = new RequestAbort([shutdown.signal, term.signal], 10_000);
    const reason = new Error('leadership ended');
    term.abort(reason);
    assert.equal(abort.signal.aborted, true);
    assert.equal(abort.signal.reason, reason);
    assert.deepEqual(abort.callerReason(), { reason });
    abort.dispose();
  });

  it('starts aborted when a caller signal already fired', () => {
    const abort = new RequestAbort(AbortSignal.abort(new Error('gone')), 10_000);
    assert.equal(abort.signal.aborted, true);
    assert.match(String(abort.callerReason()?.reason), /gone/);
    abort.dispose();
  });

  it('fires at its deadline with a TimeoutError that is not the caller’s', async () => {
    const abort = new RequestAbort(new AbortController().signal, 20);
    await sleep(50);
    assert.equal(abort.signal.aborted, true);
    assert.equal((abort.signal.reason as Error).name, 'TimeoutError');
    assert.equal(abort.callerReason(), undefined);
    abort.dispose();
  });

  it('leaves nothing behind on a long-lived signal once disposed', () => {
    const term = new AbortController();
    for (let i = 0; i < 1_000; i++) new RequestAbort(term.signal, 30_000).dispose();
    assert.equal(getEventListeners(term.signal, 'abort').length, 0);
  });
});
