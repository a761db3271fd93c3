import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readCallFacts } from '../request/call-facts.js';
import { ForwardedBody, forwardedBytes } from './forwarded-body.js';

describe('forwardedBytes', () => {
  const spliced: [string, string, Record<string, unknown>][] = [
    ['a clamp', '{"model":"gpt-4o","messages":[]}', { max_tokens: 4096 }],
    ['the usage option', '{"model":"m","stream":true}', { stream_options: { include_usage: true } }],
    ['two fields', ' \n{ "model" : "m" }', { max_tokens: 5, stream_options: { include_usage: true } }],
    ['an empty body', '{}', { max_tokens: 1 }],
    ['an empty body with spaces', '{ }', { max_tokens: 1 }],
    [
      'text that must stay as sent',
      '{"model":"m","messages":[{"content":"caf\\u00e9 \\"q\\" 1.50"}]}',
      { max_tokens: 9 },
    ],
  ];
  for (const [name, text, added] of spliced) {
    it(`splices ${name} into the agent's bytes`, () => {
      const raw = Buffer.from(text);
      const original = JSON.parse(text) as Record<string, unknown>;
      const bytes = forwardedBytes(original, raw, added);
      assert.deepEqual(JSON.parse(bytes.toString()), { ...original, ...added });
      // The agent's own bytes follow the added fields unchanged (no re-serialisation).
      assert.ok(bytes.toString().endsWith(text.slice(text.indexOf('{') + 1)));
    });
  }

  it('forwards the very same bytes when nothing changed', () => {
    const raw = Buffer.from('{"model":"m","max_tokens":5}');
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    assert.equal(forwardedBytes(body, raw, {}), raw);
    assert.equal(forwardedBytes(body, raw, { model: 'm', max_tokens: 5 }), raw);
  });

  it('serialises the body anew when an edit replaces a field of the agent', () => {
    const raw = Buffer.from('{"model":"gpt-4o","max_tokens":9000,"stream_options":{},"messages":[]}');
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    for (const edits of [
      { model: 'gpt-4o-mini' },
      { max_tokens: 4096 },
      { stream_options: { include_usage: true } },
      { model: 'gpt-4o-mini', temperature: 0 },
    ]) {
      const bytes = forwardedBytes(body, raw, edits);
      assert.deepEqual(JSON.parse(bytes.toString()), { ...body, ...edits });
      assert.equal(bytes.toString().match(/"model"/g)?.length, 1, 'one member per name');
    }
  });
});

describe('ForwardedBody', () => {
  const text = '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}';
  const reading = readCallFacts('chat.completions', JSON.parse(text), Buffer.from(text), {});
  assert.ok(reading.ok);
  const facts = reading.facts;

  it("sends each target its model: the agent's bytes for the asked model, a new body for another", () => {
    const body = new ForwardedBody(facts, {});
    assert.equal(body.bytes('gpt-4o'), facts.raw);
    assert.deepEqual(JSON.parse(body.bytes('gpt-4o-prod').toString()), {
      ...facts.body,
      model: 'gpt-4o-prod',
    });
  });

  it('sends the degraded model to a target without a model of its own, with the clamp', () => {
    const body = new ForwardedBody(facts, { model: 'gpt-4o-mini', max_tokens: 64 });
    assert.deepEqual(JSON.parse(body.bytes('gpt-4o-mini').toString()), {
      ...facts.body,
      model: 'gpt-4o-mini',
      max_tokens: 64,
    });
  });
});
