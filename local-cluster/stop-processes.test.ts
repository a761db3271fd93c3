import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { realpathSync } from 'node:fs';
import { describe, it } from 'node:test';
import { isProcessRunning } from './process-liveness.js';
import { stopProcesses } from './stop-processes.js';

const node = realpathSync(process.execPath);

/** A Node process running script, recorded as stopProcesses' callers record theirs. */
function startNode(script: string) {
  const child = spawn(node, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
  return { name: 'test-node', pid: child.pid!, executable: node, child };
}

const idle = 'setInterval(() => {}, 1000)';

describe('isProcessRunning', () => {
  it('knows this process by pid and executable', () => {
    assert.ok(isProcessRunning({ pid: process.pid, executable: realpathSync(process.execPath) }));
  });

  it('does not take a reused pid for the recorded program', () => {
    assert.equal(isProcessRunning({ pid: process.pid, executable: '/usr/bin/not-node' }), false);
  });

  it('counts an exited process as gone', async () => {
    const exited = startNode('');
    await once(exited.child, 'exit');
    assert.equal(isProcessRunning(exited), false);
    assert.equal(isProcessRunning({ pid: 0 }), false);
  });
});

describe('stopProcesses', () => {
  it('terminates with SIGTERM and waits until the process is gone', async () => {
    const sleeper = startNode(idle);
    const [stopped] = await stopProcesses([sleeper], { graceMs: 5_000 });
    assert.deepEqual(stopped, { name: 'test-node', pid: sleeper.pid, outcome: 'terminated' });
    assert.equal(isProcessRunning(sleeper), false);
  });

  it('kills what ignores SIGTERM once the grace period is over', async () => {
    const stubborn = startNode(`process.on('SIGTERM', () => {}); console.log('ready'); ${idle}`);
    await once(stubborn.child.stdout!, 'data'); // its SIGTERM handler is in place
    const began = Date.now();
    const [stopped] = await stopProcesses([stubborn], { graceMs: 300 });
    assert.equal(stopped?.outcome, 'killed');
    assert.ok(Date.now() - began >= 300);
    assert.equal(isProcessRunning(stubborn), false);
  });

  it('reports processes that had already exited', async () => {
    const exited = startNode('');
    await once(exited.child, 'exit');
    const [stopped] = await stopProcesses([exited]);
    assert.equal(stopped?.outcome, 'not-running');
  });
});
