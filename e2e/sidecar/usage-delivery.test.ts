// Usage delivery across a reporter killed mid-send (SIGKILL, no chance to clean up) and started
// again on the same spool: every token reaches the operator exactly once, in sequence order.
import assert from 'node:assert/strict';
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  type GovernorServicesPeer,
  startGovernorServicesPeer,
} from '../../testing/governor-services-peer.js';

const processScript = fileURLToPath(new URL('./usage-reporter-process.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'usage-delivery-'));
after(() => rmSync(root, { recursive: true, force: true }));

const children = new Set<ChildProcessWithoutNullStreams>();
let operator: GovernorServicesPeer | undefined;
afterEach(async () => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
  await operator?.close();
});

/** Starts a reporter process that spools `batches` batches; resolves with it and its instance id. */
async function startReporter(
  operatorUrl: string,
  spoolDir: string,
  batches: number,
): Promise<{ child: ChildProcessWithoutNullStreams; instance: string }> {
  const child = spawn(process.execPath, [processScript, operatorUrl, spoolDir, String(batches), '100']);
  children.add(child);
  let output = '';
  const instance = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`reporter process did not spool in 10 s: ${output}`)),
      10_000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /spooled (\S+)\n/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`reporter process exited with ${code}: ${output}`));
    });
  });
  return { child, instance };
}

async function kill(child: ChildProcessWithoutNullStreams): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  children.delete(child);
}

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const spooled = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('batch-'));

describe('usage delivery across a reporter killed mid-send', () => {
  for (const recordedBeforeKill of [true, false]) {
    const when = recordedBeforeKill
      ? 'after the operator recorded the batch'
      : 'before the operator recorded it';
    it(`counts every batch exactly once when killed ${when}`, async () => {
      operator = await startGovernorServicesPeer();
      operator.scriptUsage({ kind: 'hold', record: recordedBeforeKill });
      const spoolDir = join(root, `spool-${recordedBeforeKill}`);

      const first = await startReporter(operator.url, spoolDir, 3);
      await operator.waitForHeld(1);
      await kill(first.child);
      assert.equal(spooled(spoolDir).length, 3, 'nothing left the spool without an ack');

      const second = await startReporter(operator.url, spoolDir, 2);
      assert.equal(second.instance, first.instance, 'same spool, same instance');
      await until(
        () => operator!.recorded.length === 5 && spooled(spoolDir).length === 0,
        'all five batches',
      );

      assert.deepEqual(
        operator.recorded.map((batch) => batch.sequence),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(operator.totals(), {
        requests: 5,
        inputTokens: 500,
        outputTokens: 5,
        costMicros: 3000,
      });
      assert.deepEqual(
        operator.duplicates,
        recordedBeforeKill ? [{ instance: first.instance, sequence: 1 }] : [],
      );
    });
  }

  it('delivers what a killed reporter spooled during an operator outage once the operator is back', async () => {
    operator = await startGovernorServicesPeer();
    const spoolDir = join(root, 'spool-outage');
    await operator.down();
    const first = await startReporter(operator.url, spoolDir, 4);
    await kill(first.child);
    assert.equal(spooled(spoolDir).length, 4);
    await operator.up();
    const second = await startReporter(operator.url, spoolDir, 0);
    assert.equal(second.instance, first.instance);
    await until(
      () => operator!.recorded.length === 4 && spooled(spoolDir).length === 0,
      'the four spooled batches',
    );
    assert.deepEqual(
      operator.recorded.map((batch) => batch.sequence),
      [1, 2, 3, 4],
    );
    assert.equal(operator.totals().inputTokens, 400);
  });
});
