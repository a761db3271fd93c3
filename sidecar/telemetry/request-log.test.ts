import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { logRequest } from './request-log.js';
import type { RequestRecord } from './request-record.js';
import { requestRecord } from './testdata/request-records.js';

function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[]; text: () => string } {
  const chunks: string[] = [];
  const logger = pino({ level: 'info' }, { write: (chunk: string) => void chunks.push(chunk) });
  return {
    logger,
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    text: () => chunks.join(''),
  };
}

describe('logRequest', () => {
  it('writes one JSON line with trace, policy version, route, target, attempts, timings, tokens, cache and decisions', () => {
    const log = capture();
    logRequest(
      log.logger,
      requestRecord({
        attempts: 2,
        target: 'openai-us',
        fallbackReasons: ['openai-eu:Timeout'],
        decisions: ['degraded:gpt-4o-mini', 'clamped:max_tokens=4096'],
        timings: { totalMs: 250.123456, upstreamMs: 249.9, firstByteMs: 40.5, steps: { budget: 0.0123456 } },
      }),
    );
    const lines = log.lines();
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.equal(line.msg, 'request');
    assert.equal(line.traceId, '4bf92f3577b34da6a3ce929d0e0e4736');
    assert.equal(line.policyVersion, '7');
    assert.equal(line.agent, 'team-a/support-bot');
    assert.equal(line.route, 'gpt-4o');
    assert.equal(line.target, 'openai-us');
    assert.equal(line.attempts, 2);
    assert.deepEqual(line.fallbackReasons, ['openai-eu:Timeout']);
    assert.deepEqual(line.tokens, { input: 120, output: 30, cachedInput: 0, estimated: false });
    assert.equal(line.cache, 'miss');
    assert.deepEqual(line.decisions, ['degraded:gpt-4o-mini', 'clamped:max_tokens=4096']);
    assert.deepEqual(line.timings, {
      totalMs: 250.123,
      upstreamMs: 249.9,
      governorMs: 0.223,
      firstByteMs: 40.5,
      steps: { budget: 0.012 },
    });
    assert.equal(line.startedAt, '2025-03-01T10:15:30.000Z');
    assert.equal(line.prompt, undefined);
  });

  it('names the experiment variant of a call on a route with an experiment, and nothing without one', () => {
    const log = capture();
    logRequest(log.logger, requestRecord({ experiment: { name: 'support-model', variant: 'mini' } }));
    logRequest(log.logger, requestRecord());
    const [withVariant, without] = log.lines();
    assert.deepEqual(withVariant?.['experiment'], { name: 'support-model', variant: 'mini' });
    assert.equal(without?.['experiment'], undefined);
  });

  it('never writes a credential, even one a record carries by mistake', () => {
    const log = capture();
    const key = 'sk-proj-Abc123Def456Ghi789Jkl012';
    const record = {
      ...requestRecord({
        decisions: [`upstream said: invalid api_key=${key}`],
        fallbackReasons: [`openai-eu:Unauthorized Bearer ${key}`],
        useCase: `Authorization: Bearer ${key}`,
      }),
      headers: { authorization: `Bearer ${key}`, 'x-api-key': key },
      credentials: { apiKey: key },
    } as RequestRecord;
    logRequest(log.logger, record);
    assert.doesNotMatch(log.text(), /Abc123Def456/);
    assert.doesNotMatch(log.text(), /authorization":/i);
    assert.match(log.text(), /api_key=\[REDACTED\]/);
  });

  it('writes the prompt only when the record has it, with credentials in it masked', () => {
    const without = capture();
    logRequest(without.logger, requestRecord());
    assert.equal('prompt' in without.lines()[0]!, false);

    const withPrompt = capture();
    const prompt = [
      { role: 'user', content: 'Summarise the ticket. My key is sk-ant-api03-Zyx987Wvu654Tsr321' },
    ];
    logRequest(withPrompt.logger, requestRecord({ prompt }));
    const logged = withPrompt.lines()[0]!.prompt as { content: string }[];
    assert.equal(logged[0]!.content, 'Summarise the ticket. My key is [REDACTED]');
  });

  it('builds no line (and redacts nothing) when the level drops it', () => {
    const chunks: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (chunk: string) => void chunks.push(chunk) });
    const record = requestRecord({ outcome: 'Success', status: 200 });
    let read = 0;
    // A getter counts whether the line was built: a silent level must not touch the record's fields.
    Object.defineProperty(record, 'requestedModel', {
      get: () => {
        read++;
        return 'gpt-4o';
      },
    });
    logRequest(logger, record);
    assert.equal(chunks.length, 0);
    assert.equal(read, 0);
    logRequest(logger, requestRecord({ outcome: 'Timeout', status: 504 }));
    assert.equal(chunks.length, 1);
  });

  it('logs failures that the agent notices at warn level and the rest at info', () => {
    const log = capture();
    logRequest(log.logger, requestRecord({ outcome: 'Timeout', status: 504 }));
    logRequest(log.logger, requestRecord({ outcome: 'Rejected', status: 429 }));
    const [timeout, rejected] = log.lines();
    assert.equal(timeout!.level, 40);
    assert.equal(rejected!.level, 30);
  });
});
