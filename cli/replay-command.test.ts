import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseReplaySummary } from '../apis/replay-summary.js';
import { run } from './main.js';

describe('agent-governor replay: bad input exits 2', () => {
  let dir: string;
  const errors: string[] = [];
  const originalError = console.error;
  const originalWrite = process.stderr.write;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'replay-command-'));
    console.error = (...args: unknown[]) => void errors.push(args.join(' '));
    process.stderr.write = ((chunk: string) => errors.push(String(chunk)) > 0) as typeof process.stderr.write;
  });
  after(() => {
    console.error = originalError;
    process.stderr.write = originalWrite;
    rmSync(dir, { recursive: true, force: true });
  });
  const replay = (...args: string[]) => run(['node', 'agent-governor', 'replay', ...args]);

  const table: [string, string[], RegExp][] = [
    ['a pass rate above 1', ['--min-pass-rate', '1.5'], /--min-pass-rate.*must be a number from 0 to 1/],
    [
      'an unknown similarity',
      ['--similarity', 'bleu'],
      /--similarity.*Allowed choices are exact, json, embeddings, judge/,
    ],
    ['a candidate that is no URL', ['--candidate', 'sidecar:4000'], /--candidate.*must be an http\(s\) URL/],
    [
      'both a candidate and a policy',
      ['--candidate', 'http://127.0.0.1:1', '--policy', 'p.yaml'],
      /cannot be used with/,
    ],
  ];
  for (const [name, args, error] of table)
    it(`refuses ${name}, naming the flag`, async () => {
      errors.length = 0;
      assert.equal(await replay('--corpus', 'c.jsonl', ...args), 2);
      assert.match(errors.join(''), error);
    });

  it('refuses a missing corpus flag, and a corpus without a candidate', async () => {
    errors.length = 0;
    assert.equal(await replay('--candidate', 'http://127.0.0.1:1'), 2);
    assert.match(errors.join(''), /required option '--corpus <file>'/);
    const corpus = join(dir, 'c.jsonl');
    writeFileSync(corpus, '{"api":"messages","body":{}}\n');
    errors.length = 0;
    assert.equal(await replay('--corpus', corpus), 2);
    assert.match(errors.join(''), /give the candidate: --candidate URL .* or --policy FILE/);
  });

  it('refuses a policy file the sidecar refuses, naming its line and field', async () => {
    const corpus = join(dir, 'empty.jsonl');
    writeFileSync(corpus, '');
    const policy = join(dir, 'candidate.yaml');
    writeFileSync(
      policy,
      'apiVersion: config.governor.agents.dev/v1alpha1\nkind: SidecarConfig\nroutes:\n  - model: 5\n',
    );
    errors.length = 0;
    assert.equal(await replay('--corpus', corpus, '--policy', policy), 2);
    assert.match(errors.join(''), /candidate\.yaml:4:12: routes\[0\]\.model: Invalid input: expected string/);
  });

  it('writes the reason to the summary file, which the gate reads as no summary, saying why', async () => {
    const summary = join(dir, 'summary');
    assert.equal(
      await replay(
        '--corpus',
        join(dir, 'missing.jsonl'),
        '--candidate',
        'http://127.0.0.1:1',
        '--summary-file',
        summary,
      ),
      2,
    );
    const text = readFileSync(summary, 'utf8');
    assert.match(text, /^agent-governor replay: --corpus .*missing\.jsonl: cannot read it \(ENOENT\)$/);
    assert.throws(
      () => parseReplaySummary(text),
      /expected the JSON summary of agent-governor replay, got "agent-governor replay: --corpus/,
    );
  });

  it('exits 1 when every case fails against a candidate that does not answer', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const corpus = join(dir, 'one.jsonl');
    writeFileSync(corpus, '{"api":"chat.completions","body":{"model":"gpt-4o","messages":[]}}\n');
    const summary = join(dir, 'fail-summary');
    const out = join(dir, 'report.txt');
    const code = await replay(
      '--corpus',
      corpus,
      '--candidate',
      `http://127.0.0.1:${port}`,
      '--timeout-seconds',
      '5',
      '--summary-file',
      summary,
      '--output-file',
      out,
    );
    assert.equal(code, 1);
    const parsed = parseReplaySummary(readFileSync(summary, 'utf8'));
    assert.equal(parsed.errors, 1);
    assert.equal(parsed.verdict, 'Fail');
    assert.match(
      readFileSync(out, 'utf8'),
      /error .*FAIL: no answer: ECONNREFUSED connect ECONNREFUSED 127\.0\.0\.1:\d+/,
    );
  });
});
