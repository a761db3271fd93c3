import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import {
  type GovernorServicesPeer,
  startGovernorServicesPeer,
} from '../../testing/governor-services-peer.js';
import { requestRecord } from '../telemetry/testdata/request-records.js';
import { UsageRecorder } from './usage-recorder.js';
import { UsageReporter, type UsageReporterOptions } from './usage-reporter.js';

const root = mkdtempSync(join(tmpdir(), 'usage-reporter-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `spool-${++dirs}`);
const agent = { namespace: 'team-a', name: 'support-bot' };

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function peer(
  options: Parameters<typeof startGovernorServicesPeer>[0] = {},
): Promise<GovernorServicesPeer> {
  const started = await startGovernorServicesPeer(options);
  cleanups.push(() => started.close());
  return started;
}

async function reporter(
  options: Partial<UsageReporterOptions> & { spoolDir: string; recorder: UsageRecorder },
): Promise<UsageReporter> {
  const started = new UsageReporter({
    agent,
    flushIntervalMs: 20,
    retry: { baseMs: 10, maxMs: 50 },
    stopDeliveryMs: 200,
    ...options,
  });
  await started.start();
  cleanups.push(() => started.stop());
  return started;
}

/** Waits (bounded) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const spooled = (dir: string) => readdirSync(dir).filter((name) => name.startsWith('batch-'));

/** Records `count` requests of `tokens` input tokens each, one per flush so each lands in its own batch. */
async function recordBatches(recorder: UsageRecorder, reporter: UsageReporter, count: number, tokens = 100) {
  for (let i = 0; i < count; i++) {
    recorder.record(
      requestRecord({
        usage: { inputTokens: tokens, outputTokens: 1, cachedInputTokens: 0, estimated: false },
      }),
    );
    await reporter.flush();
  }
}

/** Every instance's recorded sequences grow by one, from where they started, with no gap and no repeat. */
function assertInOrder(peerState: GovernorServicesPeer): void {
  const byInstance = new Map<string, number[]>();
  for (const batch of peerState.recorded) {
    byInstance.set(batch.instance, [...(byInstance.get(batch.instance) ?? []), batch.sequence]);
  }
  for (const [instance, sequences] of byInstance) {
    const expected = sequences.map((_, i) => sequences[0]! + i);
    assert.deepEqual(sequences, expected, `sequences of ${instance} in order without gaps`);
  }
}

describe('UsageReporter', () => {
  it('sends recorded usage as a batch with instance id and sequence, and empties the spool on the ack', async () => {
    const operator = await peer();
    const recorder = new UsageRecorder();
    const spoolDir = freshDir();
    const sender = await reporter({ spoolDir, recorder, operatorUrl: operator.url });
    recorder.record(requestRecord());
    recorder.record(requestRecord({ model: 'gpt-4o-mini' }));
    await until(() => operator.recorded.length === 1, 'the first batch');
    const [batch] = operator.recorded;
    assert.equal(batch!.instance, sender.instance);
    assert.equal(batch!.sequence, 1);
    assert.deepEqual(batch!.agent, agent);
    assert.equal(batch!.entries.length, 2);
    assert.deepEqual(operator.totals(), {
      requests: 2,
      inputTokens: 240,
      outputTokens: 60,
      costMicros: 1200,
    });
    await until(() => spooled(spoolDir).length === 0, 'the spool to empty');
  });

  it('carries the circuits: with usage, alone when they change, and not again while nothing changes', async () => {
    const operator = await peer();
    const recorder = new UsageRecorder();
    let state: 'Closed' | 'Open' = 'Closed';
    const circuits = () => ({
      observedAt: new Date().toISOString(),
      routes: [
        { route: 'gpt-4o', activeTarget: state === 'Open' ? 'b' : 'a', targets: [{ target: 'a', state }] },
      ],
    });
    await reporter({ spoolDir: freshDir(), recorder, operatorUrl: operator.url, circuits });
    recorder.record(requestRecord());
    await until(() => operator.recorded.length === 1, 'the batch with usage');
    assert.equal(operator.recorded[0]?.entries.length, 1);
    assert.deepEqual(operator.recorded[0]?.circuits?.routes[0]?.targets, [{ target: 'a', state: 'Closed' }]);
    // Many flushes with nothing new: no batch.
    await new Promise((resolve) => setTimeout(resolve, 150));
    assert.equal(operator.recorded.length, 1);
    state = 'Open';
    await until(() => operator.recorded.length === 2, 'the batch for the circuits alone');
    const alone = operator.recorded[1];
    assert.deepEqual(alone?.entries, []);
    assert.equal(alone?.circuits?.routes[0]?.activeTarget, 'b');
    assert.deepEqual(alone?.circuits?.routes[0]?.targets, [{ target: 'a', state: 'Open' }]);
  });

  it('keeps every batch through an operator outage and delivers them in order once it returns', async () => {
    const operator = await peer();
    const recorder = new UsageRecorder();
    const spoolDir = freshDir();
    const sender = await reporter({ spoolDir, recorder, operatorUrl: operator.url });
    await recordBatches(recorder, sender, 2);
    await until(() => operator.recorded.length === 2, 'two batches before the outage');
    await operator.down();
    await recordBatches(recorder, sender, 5);
    await until(() => spooled(spoolDir).length === 5, 'five batches spooled during the outage');
    assert.equal(operator.recorded.length, 2);
    await operator.up();
    await until(() => operator.recorded.length === 7, 'all seven batches after the outage');
    assertInOrder(operator);
    assert.equal(operator.totals().inputTokens, 700);
    await until(() => spooled(spoolDir).length === 0, 'the spool to empty');
  });

  it('at stop, cuts a long backoff short and keeps retrying within its delivery time until the operator is back', async () => {
    const operator = await peer();
    const recorder = new UsageRecorder();
    const spoolDir = freshDir();
    // A backoff that has grown to 30 s, as after a long outage.
    const sender = await reporter({
      spoolDir,
      recorder,
      operatorUrl: operator.url,
      retry: { baseMs: 30_000, maxMs: 30_000 },
    });
    await operator.down();
    await recordBatches(recorder, sender, 2);
    await until(() => spooled(spoolDir).length === 2, 'two batches spooled during the outage');
    const began = performance.now();
    const stopped = sender.stop(5_000);
    setTimeout(() => void operator.up(), 1_200);
    await stopped;
    const took = performance.now() - began;
    assert.equal(operator.recorded.length, 2, 'delivered after the operator came back');
    assert.equal(spooled(spoolDir).length, 0);
    assert.ok(
      took >= 1_200 && took < 3_000,
      `stopped once delivered, not at the deadline (${took.toFixed(0)} ms)`,
    );
  });

  it('counts a batch once when the ack is lost after the operator recorded it', async () => {
    const operator = await peer();
    operator.scriptUsage({ kind: 'drop-after-record' });
    const recorder = new UsageRecorder();
    const sender = await reporter({ spoolDir: freshDir(), recorder, operatorUrl: operator.url });
    await recordBatches(recorder, sender, 1);
    await until(() => operator.duplicates.length === 1, 'the resend answered as a duplicate');
    assert.equal(operator.recorded.length, 1);
    assert.deepEqual(operator.duplicates, [{ instance: sender.instance, sequence: 1 }]);
    assert.equal(operator.totals().requests, 1);
  });

  it('sends again when the connection drops before the operator recorded the batch', async () => {
    const operator = await peer();
    operator.scriptUsage({ kind: 'drop-before-record' }, { kind: 'status', status: 500 });
    const recorder = new UsageRecorder();
    const sender = await reporter({ spoolDir: freshDir(), recorder, operatorUrl: operator.url });
    await recordBatches(recorder, sender, 1);
    await until(() => operator.recorded.length === 1, 'the batch after two failed sends');
    assert.equal(operator.usageRequests, 3);
    assert.equal(operator.duplicates.length, 0);
  });

  it('waits as long as a follower asks with Retry-After', async () => {
    const operator = await peer({ followerRetryAfterSeconds: 1 });
    operator.role = 'follower';
    const recorder = new UsageRecorder();
    const errors: Error[] = [];
    const sender = await reporter({
      spoolDir: freshDir(),
      recorder,
      operatorUrl: operator.url,
      onError: (error) => errors.push(error),
    });
    await recordBatches(recorder, sender, 1);
    await until(() => errors.length === 1, 'the follower refusal');
    assert.match(errors[0]!.message, /answered 503: not the leader; retry.*retrying in 1000 ms/);
    operator.role = 'leader';
    const refusedAt = Date.now();
    await until(() => operator.recorded.length === 1, 'the batch once the leader answers');
    assert.ok(Date.now() - refusedAt >= 800, 'the resend waited for Retry-After, not the 10 ms backoff');
  });

  it('replays the spool of a previous run first, keeping instance and sequence', async () => {
    const operator = await peer();
    const spoolDir = freshDir();
    await operator.down();
    const firstRecorder = new UsageRecorder();
    const first = new UsageReporter({
      spoolDir,
      recorder: firstRecorder,
      operatorUrl: operator.url,
      agent,
      flushIntervalMs: 60_000,
      retry: { baseMs: 10, maxMs: 50 },
      stopDeliveryMs: 50,
    });
    await first.start();
    await recordBatches(firstRecorder, first, 3);
    firstRecorder.record(requestRecord());
    await first.stop(); // the fourth batch is spooled by stop()
    assert.equal(spooled(spoolDir).length, 4);

    await operator.up();
    const recorder = new UsageRecorder();
    const second = await reporter({ spoolDir, recorder, operatorUrl: operator.url });
    assert.equal(second.instance, first.instance);
    await recordBatches(recorder, second, 1);
    await until(() => operator.recorded.length === 5, 'the four replayed batches and the new one');
    assert.deepEqual(
      operator.recorded.map((batch) => batch.sequence),
      [1, 2, 3, 4, 5],
    );
    assertInOrder(operator);
  });

  it('reads the token file before every send, so a rotated token is used without a restart', async () => {
    const operator = await peer({ tokens: { 'token-two': 'team-a' } });
    const tokenFile = join(root, 'token');
    writeFileSync(tokenFile, 'token-one\n');
    const recorder = new UsageRecorder();
    const errors: Error[] = [];
    const sender = await reporter({
      spoolDir: freshDir(),
      recorder,
      operatorUrl: operator.url,
      tokenFile,
      onError: (error) => errors.push(error),
    });
    await recordBatches(recorder, sender, 1);
    await until(() => errors.length > 0, 'the refusal of the old token');
    assert.match(errors[0]!.message, /answered 401/);
    assert.ok(
      errors.every((error) => !error.message.includes('token-one')),
      'no token in an error',
    );
    writeFileSync(tokenFile, 'token-two\n');
    await until(() => operator.recorded.length === 1, 'the batch with the rotated token');
    assert.equal(operator.tokensSeen.at(-1), 'token-two');
    assert.ok(operator.tokensSeen.includes('token-one'));
  });

  it('sets aside a batch the operator refuses as malformed and goes on with the next', async () => {
    const operator = await peer();
    operator.scriptUsage({ kind: 'status', status: 400 });
    const recorder = new UsageRecorder();
    const spoolDir = freshDir();
    const errors: Error[] = [];
    const sender = await reporter({
      spoolDir,
      recorder,
      operatorUrl: operator.url,
      onError: (e) => errors.push(e),
    });
    await recordBatches(recorder, sender, 2);
    await until(() => operator.recorded.length === 1, 'the second batch');
    assert.equal(operator.recorded[0]!.sequence, 2);
    assert.match(
      errors[0]!.message,
      /usage batch 1 of instance .* set aside as .*rejected\/batch-000000000001\.json/,
    );
    assert.deepEqual(readdirSync(join(spoolDir, 'rejected')), ['batch-000000000001.json']);
  });

  it('without an operator drains the recorder and writes and sends nothing', async () => {
    const recorder = new UsageRecorder();
    const spoolDir = freshDir();
    const sender = await reporter({ spoolDir, recorder });
    recorder.record(requestRecord());
    await sender.flush();
    assert.equal(recorder.size, 0);
    assert.equal(existsSync(spoolDir), false);
    assert.equal(sender.instance, '');
  });

  it('refuses to start on a spool directory it cannot use, naming it', async () => {
    const file = join(root, 'not-a-dir');
    writeFileSync(file, '');
    const started = new UsageReporter({
      spoolDir: join(file, 'spool'),
      recorder: new UsageRecorder(),
      operatorUrl: 'http://127.0.0.1:9',
      agent,
    });
    await assert.rejects(started.start(), /cannot use the usage spool directory .*not-a-dir\/spool/);
  });
});
