import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { NO_USAGE } from '../accounting/token-usage.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { exportCaptured } from './capture-export.js';
import { capturedCall, TRUNCATED } from './capture-record.js';
import { type CaptureOutcome, type CaptureSettings, CaptureStore } from './capture-store.js';

function record(traceId: string): RequestRecord {
  return {
    traceId,
    agent: { namespace: 'agents', name: 'support' },
    policyVersion: 'p1',
    api: 'chat.completions',
    requestedModel: 'gpt-4o',
    model: 'gpt-4o-mini',
    route: 'gpt-4o',
    target: 'openai',
    stream: false,
    attempts: 1,
    fallbackReasons: [],
    outcome: 'Success',
    status: 200,
    usage: { ...NO_USAGE, inputTokens: 12, outputTokens: 5 },
    costMicros: 0,
    cache: 'miss',
    decisions: [],
    timings: { totalMs: 41.7, upstreamMs: 40 },
    startedAt: Date.parse('2026-12-06T04:00:00Z'),
  };
}
const body = { model: 'gpt-4o', messages: [{ role: 'user', content: 'mail me at a@b.io' }] };
const answer = { choices: [{ message: { role: 'assistant', content: 'card 4111 1111 1111 1111 noted' } }] };

describe('capture store', () => {
  let dir: string;
  let outcomes: CaptureOutcome[];
  const key = randomBytes(32);
  const settings = (over: Partial<CaptureSettings> = {}): CaptureSettings => ({
    dir,
    key,
    sampleRate: 1,
    maxRecordChars: 4096,
    maxFileBytes: 1 << 20,
    maxTotalBytes: 1 << 24,
    retentionMs: 3_600_000,
    patterns: [],
    ...over,
  });
  const store = (over: Partial<CaptureSettings> = {}, random?: () => number) =>
    new CaptureStore(settings(over), (o) => outcomes.push(o), { warn() {} }, Date.now, random);
  const exported = async () => {
    const out = [];
    for await (const r of exportCaptured(dir, key)) out.push(r);
    return out;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'capture-store-'));
    outcomes = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes redacted, encrypted records with the call metadata, and no plain text on disk', async () => {
    const s = store();
    s.offer(record('t1'), body, answer);
    await s.close();
    assert.deepEqual(outcomes, ['written']);
    const [r] = await exported();
    assert.deepEqual(r, {
      v: 1,
      at: '2026-12-06T04:00:00.000Z',
      traceId: 't1',
      agent: 'agents/support',
      api: 'chat.completions',
      requestedModel: 'gpt-4o',
      model: 'gpt-4o-mini',
      route: 'gpt-4o',
      target: 'openai',
      status: 200,
      outcome: 'Success',
      stream: false,
      policyVersion: 'p1',
      inputTokens: 12,
      outputTokens: 5,
      latencyMs: 42,
      budgetDecision: 'not-reached',
      cache: 'miss',
      attempts: 1,
      request: 'user: mail me at [email]',
      body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'mail me at [email]' }] },
      answer: 'card [card] noted',
    });
    const files = readdirSync(dir);
    const raw = files.map((f) => readFileSync(join(dir, f), 'utf8')).join('');
    assert.ok(!raw.includes('mail me') && !raw.includes('noted'));
    assert.equal(JSON.parse(raw.split('\n')[0] as string).v, 1);
  });

  it('keeps the decisions of the call and its place in the trace', async () => {
    const s = store();
    s.offer(
      {
        ...record('4bf92f3577b34da6a3ce929d0e0e4736'),
        parentSpanId: 'b7ad6b7169203331',
        spanId: '00f067aa0ba902b7',
        attempts: 2,
        fallbackReasons: ['openai-us:Timeout'],
        decisions: ['degraded:gpt-4o-mini'],
        timings: { totalMs: 41.7, upstreamMs: 40, steps: { budget: 0.01 } },
      },
      body,
      answer,
    );
    await s.close();
    const [r] = await exported();
    assert.equal(r?.['parentSpanId'], 'b7ad6b7169203331');
    assert.equal(r?.['spanId'], '00f067aa0ba902b7');
    assert.equal(r?.['budgetDecision'], 'degraded');
    assert.equal(r?.['attempts'], 2);
    assert.deepEqual(r?.['fallbackReasons'], ['openai-us:Timeout']);
    assert.deepEqual(r?.['decisions'], ['degraded:gpt-4o-mini']);
  });

  it('captures the drawn share of calls', async () => {
    const draws = [0.1, 0.6, 0.3, 0.9];
    const s = store({ sampleRate: 0.5 }, () => draws.shift() as number);
    for (let i = 0; i < 4; i++) s.offer(record(`t${i}`), body, answer);
    await s.close();
    assert.deepEqual(outcomes.sort(), ['sampled_out', 'sampled_out', 'written', 'written']);
    assert.deepEqual(
      (await exported()).map((r) => r['traceId']),
      ['t0', 't2'],
    );
  });

  it('rotates files by size and drops records past the total cap', async () => {
    const s = store({ maxFileBytes: 1024, maxTotalBytes: 3000 });
    for (let i = 0; i < 10; i++) s.offer(record(`t${i}`), body, answer);
    await s.close();
    const files = readdirSync(dir);
    assert.ok(files.length >= 2, `rotated into ${files.length} files`);
    const total = files.reduce((n, f) => n + readFileSync(join(dir, f)).length, 0);
    assert.ok(total <= 3000, `${total} bytes`);
    const written = outcomes.filter((o) => o === 'written').length;
    assert.ok(written > 0 && written < 10);
    assert.equal(outcomes.filter((o) => o === 'dropped').length, 10 - written);
    assert.equal((await exported()).length, written);
  });

  it('deletes files past the retention, and keeps the others', async () => {
    const old = join(dir, 'capture-1000-0.jsonl');
    writeFileSync(old, 'x\n');
    const past = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, past, past);
    writeFileSync(join(dir, 'capture-2000-0.jsonl'), '');
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    const s = store();
    assert.equal(await s.sweep(), 0, 'the sweep at start already removed it');
    await s.close();
    assert.deepEqual(readdirSync(dir).sort(), ['capture-2000-0.jsonl', 'notes.txt']);
  });

  it('counts a failed write and never throws to the caller', async () => {
    const s = store({ dir: join(dir, 'file', 'below') });
    writeFileSync(join(dir, 'file'), 'not a directory');
    s.offer(record('t1'), body, answer);
    await s.close();
    assert.ok(outcomes.includes('failed'));
    assert.ok(!outcomes.includes('written'));
  });
});

describe('captured call', () => {
  it('cuts long texts to the record cap with the marker', () => {
    const long = { messages: [{ role: 'user', content: 'q'.repeat(500) }] };
    const longAnswer = { choices: [{ message: { content: 'a'.repeat(500) } }] };
    const c = capturedCall(record('t'), long, longAnswer, { maxRecordChars: 200, patterns: [] });
    assert.equal(c.truncated, true);
    assert.ok(c.request.endsWith(TRUNCATED) && c.answer?.endsWith(TRUNCATED));
    assert.equal(c.request.length + (c.answer?.length ?? 0), 200);
  });

  it('gives a short request room to the answer, and keeps streams to their usage', () => {
    const c = capturedCall(
      record('t'),
      body,
      { choices: [{ message: { content: 'a'.repeat(300) } }] },
      {
        maxRecordChars: 200,
        patterns: [],
      },
    );
    assert.equal(c.request, 'user: mail me at [email]');
    assert.equal(c.answer?.length, 200 - c.request.length);
    const s = capturedCall({ ...record('t'), stream: true }, body, undefined, {
      maxRecordChars: 200,
      patterns: [],
    });
    assert.equal(s.answer, undefined);
    assert.equal(s.outputTokens, 5);
  });

  it('keeps the request body redacted, so it can be sent again, and leaves out one over the cap', () => {
    const c = capturedCall(record('t'), { ...body, temperature: 0.2 }, answer, {
      maxRecordChars: 4096,
      patterns: [/order-[0-9]+/g],
    });
    assert.deepEqual(c.body, {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'mail me at [email]' }],
      temperature: 0.2,
    });
    const long = { model: 'gpt-4o', messages: [{ role: 'user', content: 'q order-12 '.repeat(50) }] };
    const cut = capturedCall(record('t'), long, undefined, { maxRecordChars: 200, patterns: [] });
    assert.equal(cut.body, undefined);
    const custom = capturedCall(record('t'), { input: ['see order-12'] }, undefined, {
      maxRecordChars: 200,
      patterns: [/order-[0-9]+/g],
    });
    assert.deepEqual(custom.body, { input: ['see [redacted]'] });
  });
});
