// Replay end to end: calls captured by a real sidecar (the official OpenAI and Anthropic SDKs
// against the loopback mock LLM) are exported with `agent-governor capture export`, then replayed
// with `agent-governor replay` (the built CLI, as a child process) through two candidates: a
// sidecar started by replay itself from a policy file, routing to another model whose answers are
// the same (exit 0, every case similar, a cache hit on the repeated question), and a running
// sidecar routing to another model that answers differently and at length (exit 1, the similarity
// from the mock's embeddings endpoint under the minimum, the summary saying why). Bad input exits 2.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { stringify } from 'yaml';
import { parseReplaySummary } from '../../apis/replay-summary.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import {
  CONFIG_HEAD,
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');
const SAME = 'Your order 1234 ships on Monday from the Berlin warehouse.';
const OTHER =
  'I am sorry, but I cannot look up orders today. Please call our support line between nine and five, ' +
  'and have your order number ready so that one of our agents can help you quickly.';

/** Routes for gpt-4o and claude-sonnet-4 to `mock`, calling `model` there for gpt-4o. */
function routes(mock: MockLlm, model: string, extra: Record<string, unknown> = {}) {
  return [
    openAIRoute('gpt-4o', mock.baseUrl, {
      targets: [{ name: 'primary', provider: 'OpenAI', endpoint: mock.baseUrl, apiKey: 'sk-sidecar', model }],
      ...extra,
    }),
    {
      model: 'claude-sonnet-4',
      targets: [{ name: 'anthropic', provider: 'Anthropic', endpoint: mock.url, apiKey: 'sk-ant-sidecar' }],
      ...extra,
    },
  ];
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function replay(args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, 'replay', ...args]);
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('replay of captured calls through candidates', () => {
  let original: MockLlm;
  let other: MockLlm;
  let captured: SidecarFixture;
  let failing: SidecarFixture;
  let dir: string;
  let corpus: string;
  let passingPolicy: string;

  before(async () => {
    original = await startMockLlm({ reply: SAME });
    other = await startMockLlm({ reply: OTHER });
    dir = mkdtempSync(join(tmpdir(), 'replay-e2e-'));
    const keyFile = join(dir, 'capture.key');
    writeFileSync(keyFile, randomBytes(32).toString('base64'));
    captured = await startSidecarFixture(
      { agent: { name: 'support', namespace: 'agents' }, routes: routes(original, 'gpt-4o') },
      { capture: { keyFile } },
    );
    const openai = new OpenAI({ baseURL: captured.baseURL, apiKey: 'agent-key', maxRetries: 0 });
    const anthropic = new Anthropic({ baseURL: captured.url, apiKey: 'agent-key', maxRetries: 0 });
    const question = {
      model: 'gpt-4o',
      messages: [{ role: 'user' as const, content: 'Where is order 1234?' }],
    };
    await openai.chat.completions.create(question);
    await openai.chat.completions.create(question);
    await anthropic.messages.create({
      model: 'claude-sonnet-4',
      max_tokens: 200,
      messages: [{ role: 'user', content: 'When does order 1234 ship?' }],
    });
    const stream = await openai.chat.completions.create({ ...question, stream: true });
    for await (const _ of stream) {
    }
    for (let i = 0; i < 200; i++) {
      const written = metricValue(await captured.metrics(), 'governor_sidecar_capture_records_total', {
        outcome: 'written',
      });
      if (written >= 4) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const { stdout } = await run(process.execPath, [
      BIN,
      'capture',
      'export',
      '--dir',
      join(captured.dir, 'spool', 'capture'),
      '--key-file',
      keyFile,
    ]);
    corpus = join(dir, 'corpus.jsonl');
    writeFileSync(corpus, stdout);

    passingPolicy = join(dir, 'passing.yaml');
    writeFileSync(
      passingPolicy,
      stringify({
        ...CONFIG_HEAD,
        agent: { name: 'support-candidate', namespace: 'agents' },
        routes: routes(original, 'gpt-4o-mini', { cache: { enabled: true, ttl: '1m', maxEntries: 100 } }),
      }),
    );
    failing = await startSidecarFixture({
      agent: { name: 'support-candidate', namespace: 'agents' },
      routes: routes(other, 'gpt-4o-mini'),
    });
  });
  after(async () => {
    await failing?.close();
    await captured?.close();
    await other?.close();
    await original?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('exports records carrying the redacted request body to send again', () => {
    const records = readFileSync(corpus, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(records.length, 4);
    assert.deepEqual(records[0].body, {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Where is order 1234?' }],
    });
    assert.equal(records[2].api, 'messages');
    assert.equal(records[3].body.stream, true);
    assert.equal(records[3].answer, undefined);
  });

  const embeddings = () => [
    '--similarity',
    'embeddings',
    '--embeddings-url',
    original.baseUrl,
    '--embeddings-model',
    'text-embedding-3-small',
  ];

  it('passes a candidate started from a policy file whose other model answers the same (exit 0)', async () => {
    const summaryFile = join(dir, 'pass-summary.json');
    const result = await replay([
      '--corpus',
      corpus,
      '--policy',
      passingPolicy,
      ...embeddings(),
      '--min-similarity',
      '0.9',
      '--min-pass-rate',
      '1',
      '--max-p95-ms',
      '5000',
      '--concurrency',
      '1',
      '-o',
      'json',
      '--summary-file',
      summaryFile,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.cases.length, 4);
    const [first, repeated, messages, streamed] = report.cases;
    assert.equal(first.candidate.status, 200);
    assert.equal(first.candidate.model, 'gpt-4o-mini', 'the candidate route calls the other model');
    assert.equal(first.similarity, 1);
    assert.equal(first.candidate.cache, 'miss');
    assert.equal(repeated.candidate.cache, 'hit', 'the repeated question is a cache hit of the candidate');
    assert.equal(messages.api, 'messages');
    assert.equal(messages.similarity, 1);
    assert.equal(streamed.reference, undefined, 'a captured stream has no answer to compare with');
    assert.equal(streamed.candidate.status, 200);
    assert.ok(first.candidate.costMicros > 0 && first.candidate.currency === 'USD');
    assert.equal(streamed.candidate.cache, 'hit', 'replayed as JSON, the stream asks the repeated question');
    assert.equal(report.candidate.cacheHits, 2);
    assert.equal(report.candidate.errors, 0);

    const summary = parseReplaySummary(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.verdict, 'Pass');
    assert.equal(summary.cases, 4);
    assert.equal(summary.passed, 4);
    assert.equal(summary.similarity, 1);
    assert.ok(summary.p95Ms > 0 && summary.p95Ms >= summary.p50Ms);
    assert.ok(summary.tokensPerCase > 0);
    assert.equal(summary.currency, 'USD');
  });

  it('fails a candidate whose other model answers differently and at length (exit 1)', async () => {
    const summaryFile = join(dir, 'fail-summary.json');
    const result = await replay([
      '--corpus',
      corpus,
      '--candidate',
      failing.url,
      ...embeddings(),
      '--min-similarity',
      '0.8',
      '--min-pass-rate',
      '0.9',
      '--summary-file',
      summaryFile,
    ]);
    assert.equal(result.code, 1, result.stderr);
    const summary = parseReplaySummary(readFileSync(summaryFile, 'utf8'));
    assert.equal(summary.verdict, 'Fail');
    assert.equal(summary.passed, 1, 'only the stream, which has nothing to compare with, passes');
    assert.ok((summary.similarity ?? 1) < 0.5, `similarity ${summary.similarity}`);
    assert.deepEqual(summary.failed, ['passRate 0.25 < 0.9 (1 of 4 cases passed)']);
    assert.match(
      result.stdout,
      /^replay: 4 cases against http:\/\/127\.0\.0\.1:\d+ \(similarity: embeddings\)$/m,
    );
    assert.match(result.stdout, /FAIL: similarity 0(\.\d+)? < 0\.8/);
    assert.match(result.stdout, /^verdict: Fail: 1 of 4 cases passed/m);
  });

  it('grades with a judge model the team names: the same answers 1, the other ones low (exit 0, then 1)', async () => {
    const judge = ['--similarity', 'judge', '--judge-url', original.baseUrl, '--judge-model', 'gpt-4o-mini'];
    const args = ['--corpus', corpus, ...judge, '--min-similarity', '0.5', '-o', 'json'];
    const passing = await replay([...args, '--policy', passingPolicy]);
    assert.equal(passing.code, 0, passing.stderr);
    assert.equal(JSON.parse(passing.stdout).summary.similarity, 1);
    const otherAnswers = await replay([...args, '--candidate', failing.url]);
    assert.equal(otherAnswers.code, 1, otherAnswers.stderr);
    const report = JSON.parse(otherAnswers.stdout);
    assert.equal(report.similarityMethod, 'judge');
    assert.ok(report.summary.similarity < 0.5, `judged ${report.summary.similarity}`);
    assert.match(report.cases[0].why[0], /^similarity 0\.\d+ < 0\.5$/);
  });

  it('fails on tokens and compares with a baseline, writing an HTML report', async () => {
    const file = join(dir, 'report.html');
    const result = await replay([
      '--corpus',
      corpus,
      '--candidate',
      failing.url,
      '--baseline',
      captured.url,
      '--similarity',
      'exact',
      '--max-tokens-per-case',
      '40',
      '--min-pass-rate',
      '0.5',
      '-o',
      'html',
      '--output-file',
      file,
    ]);
    assert.equal(result.code, 1, result.stderr);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<h1>Replay report: <span class="Fail">Fail<\/span><\/h1>/);
    assert.match(html, /<td>baseline<\/td>/);
    assert.match(html, /tokens \d+ &gt; 40/);
    assert.match(html, /<svg role="img"/);
  });

  it('exits 2 on bad input, naming the flag or the line', async () => {
    const missing = await replay(['--corpus', join(dir, 'nope.jsonl'), '--candidate', failing.url]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--corpus .*nope\.jsonl: cannot read it \(ENOENT\)/);
    const badLine = join(dir, 'bad.jsonl');
    writeFileSync(badLine, '{"api":"chat.completions","body":{"model":"gpt-4o"}}\n{"api":"chat"}\n');
    const line = await replay(['--corpus', badLine, '--candidate', failing.url]);
    assert.equal(line.code, 2);
    assert.match(line.stderr, /bad\.jsonl:2: api: expected one of/);
    const flag = await replay(['--corpus', corpus, '--candidate', failing.url, '--min-pass-rate', '1.5']);
    assert.equal(flag.code, 2);
    assert.match(flag.stderr, /--min-pass-rate.*must be a number from 0 to 1/);
    const noEmbeddingsUrl = await replay([
      '--corpus',
      corpus,
      '--candidate',
      failing.url,
      '--similarity',
      'embeddings',
    ]);
    assert.equal(noEmbeddingsUrl.code, 2);
    assert.match(noEmbeddingsUrl.stderr, /--similarity embeddings needs --embeddings-url/);
  });
});
