import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCallFacts } from './call-facts.js';

const read = (api: Parameters<typeof readCallFacts>[0], body: Record<string, unknown>, headers = {}) =>
  readCallFacts(api, body, Buffer.from(JSON.stringify(body)), headers);

describe('readCallFacts', () => {
  it('reads what the pipeline decides on, once', () => {
    const reading = read(
      'chat.completions',
      {
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Say hello from Berlin.' }],
        max_tokens: 300,
        n: 2,
        stream: true,
      },
      { 'x-governor-trace-id': 'job-1', 'x-governor-use-case': 'summarize', 'x-governor-chain-depth': '2' },
    );
    assert.ok(reading.ok);
    const { facts } = reading;
    assert.equal(facts.model, 'gpt-4o');
    assert.equal(facts.stream, true);
    assert.deepEqual(facts.output, { requested: 300, choices: 2 });
    assert.equal(facts.worstCaseOutputTokens, 600);
    assert.deepEqual(facts.text.texts, ['user', 'Say hello from Berlin.']);
    assert.ok(facts.estimatedInputTokens >= 12, 'generous: at least the tokenizer count');
    assert.deepEqual(facts.headers, {
      ok: true,
      traceId: 'job-1',
      traceFromClient: true,
      chainDepth: 2,
      useCase: 'summarize',
    });
  });

  it("sizes the worst case by the model's output limit when the request sets none", () => {
    const reading = read('chat.completions', { model: 'gpt-4', messages: [{ role: 'user', content: 'x' }] });
    assert.ok(reading.ok);
    assert.equal(reading.facts.output.requested, undefined);
    assert.equal(reading.facts.worstCaseOutputTokens, 8_192);
  });

  it("sizes it by the policy's declared output limit first (a ModelCatalog's), the request's own limit still first", () => {
    const declared = { 'gpt-4': 2_000, 'acme-large': 1_024 };
    const worst = (body: Record<string, unknown>) => {
      const reading = readCallFacts(
        'chat.completions',
        body,
        Buffer.from(JSON.stringify(body)),
        {},
        declared,
      );
      assert.ok(reading.ok);
      return reading.facts.worstCaseOutputTokens;
    };
    const messages = [{ role: 'user', content: 'x' }];
    assert.equal(worst({ model: 'gpt-4', messages }), 2_000);
    assert.equal(worst({ model: 'acme-large-v2', messages, n: 2 }), 2_048);
    assert.equal(worst({ model: 'acme-large', messages, max_tokens: 50 }), 50);
  });

  it('never streams embeddings', () => {
    const reading = read('embeddings', { model: 'text-embedding-3-small', input: 'x', stream: true });
    assert.ok(reading.ok);
    assert.equal(reading.facts.stream, false);
    assert.equal(reading.facts.worstCaseOutputTokens, 0);
  });

  it('refuses a malformed governor header first, keeping what can be read for the record', () => {
    const reading = read(
      'chat.completions',
      { model: 'gpt-4o', messages: 'x' },
      { 'x-governor-chain-depth': 'two' },
    );
    assert.equal(reading.ok, false);
    if (reading.ok) return;
    assert.equal(reading.problem.code, 'invalid_header');
    assert.equal(reading.problem.param, 'x-governor-chain-depth');
    assert.equal(reading.traceId, 'invalid');
    assert.equal(reading.model, 'gpt-4o');
  });

  it('keeps the trace and use case of a refused body for its record', () => {
    const reading = read(
      'messages',
      { model: 42, max_tokens: 5, messages: [], stream: true },
      { 'x-governor-trace-id': 'job-2', 'x-governor-use-case': 'triage' },
    );
    assert.equal(reading.ok, false);
    if (reading.ok) return;
    assert.equal(reading.problem.param, 'model');
    assert.deepEqual(
      { model: reading.model, stream: reading.stream, traceId: reading.traceId, useCase: reading.useCase },
      { model: '', stream: true, traceId: 'job-2', useCase: 'triage' },
    );
  });
});
