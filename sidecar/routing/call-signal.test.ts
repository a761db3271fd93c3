import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OneShotAbort, pause } from './call-signal.js';

describe('OneShotAbort', () => {
  it('runs each listener once, in order, and keeps the first reason', () => {
    const abort = new OneShotAbort();
    const calls: string[] = [];
    const removed = () => calls.push('removed');
    abort.addEventListener('abort', () => calls.push('first'));
    abort.addEventListener('abort', removed);
    abort.addEventListener('abort', () => calls.push('second'));
    abort.removeEventListener('abort', removed);
    abort.abort('gone');
    abort.abort('again');
    assert.deepEqual(calls, ['first', 'second']);
    assert.equal(abort.aborted, true);
    assert.equal(abort.reason, 'gone');
  });

  it('is taken by undici as a request signal', async () => {
    const { MockAgent } = await import('undici');
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://upstream.test')
      .intercept({ path: '/slow', method: 'POST' })
      .reply(200, 'late')
      .delay(5_000);
    const abort = new OneShotAbort();
    const pending = agent.request({
      origin: 'http://upstream.test',
      path: '/slow',
      method: 'POST',
      signal: abort as unknown as AbortSignal,
    });
    abort.abort();
    await assert.rejects(pending, /abort/i);
    await agent.close();
  });
});

describe('pause', () => {
  it('waits the time and answers false', async () => {
    const began = performance.now();
    assert.equal(await pause(30, new OneShotAbort()), false);
    assert.ok(performance.now() - began >= 25);
  });

  it('answers true at once when the signal aborts, or has', async () => {
    const abort = new OneShotAbort();
    const began = performance.now();
    const waiting = pause(10_000, abort);
    abort.abort();
    assert.equal(await waiting, true);
    assert.ok(performance.now() - began < 1_000);
    assert.equal(await pause(10_000, abort), true);
  });
});
