// Capture through a real sidecar, driven by the official OpenAI SDK against the loopback mock LLM:
// with capture on, calls whose question and answer hold an e-mail address and a card number are
// written encrypted under the spool directory (no plain text on disk); `agent-governor capture
// export` (the built CLI, as a child process) decrypts them into JSONL with the answer text, the
// metadata (model actually used, route, target, tokens, latency, policy version, trace id, status)
// and the personal data redacted; a stream is captured with its usage only; a sidecar asked to
// capture without a key file refuses to start, naming the flag.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');
const CARD = '4111 1111 1111 1111';
const EMAIL = 'jane.doe@example.com';

describe('capture through a real sidecar', () => {
  let mock: MockLlm;
  let fx: SidecarFixture;
  let openai: OpenAI;
  let keyFile: string;
  let captureDir: string;
  let keys: string;

  before(async () => {
    mock = await startMockLlm({ reply: `Noted: we will write to ${EMAIL} about card ${CARD}.` });
    keys = mkdtempSync(join(tmpdir(), 'capture-key-'));
    keyFile = join(keys, 'capture.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`);
    fx = await startSidecarFixture(
      { agent: { name: 'support', namespace: 'agents' }, routes: [openAIRoute('gpt-4o', mock.baseUrl)] },
      { capture: { keyFile } },
    );
    captureDir = join(fx.dir, 'spool', 'capture');
    openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent-key', maxRetries: 0 });
  });
  after(async () => {
    await fx?.close();
    await mock?.close();
    if (keys) rmSync(keys, { recursive: true, force: true });
  });

  async function exported(): Promise<Record<string, unknown>[]> {
    const { stdout } = await run(process.execPath, [
      BIN,
      'capture',
      'export',
      '--dir',
      captureDir,
      '--key-file',
      keyFile,
      '-o',
      'jsonl',
    ]);
    return stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
  }

  async function waitForWritten(count: number): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (
        metricValue(await fx.metrics(), 'governor_sidecar_capture_records_total', { outcome: 'written' }) >=
        count
      )
        return;
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.fail(`fewer than ${count} captured records written`);
  }

  it('writes redacted, encrypted records that capture export prints with the answer and metadata', async () => {
    const { data, response } = await openai.chat.completions
      .create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: `My email is ${EMAIL} and my card is ${CARD}, order status?` }],
      })
      .withResponse();
    assert.ok(data.choices[0]?.message.content?.includes(EMAIL), 'the agent gets the answer unchanged');
    const traceId = response.headers.get('x-governor-trace-id');
    await waitForWritten(1);

    const raw = readdirSync(captureDir)
      .map((f) => readFileSync(join(captureDir, f), 'utf8'))
      .join('');
    assert.ok(raw.length > 0);
    for (const plain of [EMAIL, CARD, '4111111111111111', 'order status', 'Noted'])
      assert.ok(!raw.includes(plain), `"${plain}" is not on disk in clear`);
    assert.equal(JSON.parse(raw.split('\n')[0] as string).v, 1);

    const [record] = await exported();
    assert.ok(record);
    assert.equal(record['v'], 1);
    assert.equal(record['traceId'], traceId);
    assert.equal(record['agent'], 'agents/support');
    assert.equal(record['model'], 'gpt-4o');
    assert.equal(record['route'], 'gpt-4o');
    assert.equal(typeof record['target'], 'string');
    assert.equal(record['status'], 200);
    assert.equal(record['outcome'], 'Success');
    assert.equal(typeof record['policyVersion'], 'string');
    assert.ok((record['inputTokens'] as number) > 0 && (record['outputTokens'] as number) > 0);
    assert.equal(typeof record['latencyMs'], 'number');
    assert.equal(record['request'], 'user: My email is [email] and my card is [card], order status?');
    assert.equal(record['answer'], 'Noted: we will write to [email] about card [card].');
  });

  it('captures a streamed answer with its usage only', async () => {
    const stream = await openai.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'stream please' }],
      stream: true,
    });
    for await (const _ of stream) {
    }
    await waitForWritten(2);
    const records = await exported();
    const streamed = records.find((r) => r['stream'] === true);
    assert.ok(streamed);
    assert.equal(streamed['answer'], undefined);
    assert.equal(streamed['request'], 'user: stream please');
    assert.ok((streamed['outputTokens'] as number) > 0);
  });

  it('export refuses another key, naming the file and line', async () => {
    const wrong = join(fx.dir, 'wrong.key');
    writeFileSync(wrong, randomBytes(32));
    await assert.rejects(
      run(process.execPath, [BIN, 'capture', 'export', '--dir', captureDir, '--key-file', wrong]),
      (err: { stderr: string }) => /capture-\d+-\d+\.jsonl:1: cannot decrypt/.test(err.stderr),
    );
  });

  it('a sidecar asked to capture without a key refuses to start, naming the flag', async () => {
    await assert.rejects(
      run(process.execPath, [BIN, 'sidecar', '--config', fx.configFile, '--port', '0', '--capture']),
      (err: { stderr: string }) => /--capture-key-file/.test(err.stderr),
    );
  });
});
