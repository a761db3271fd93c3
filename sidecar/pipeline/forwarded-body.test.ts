import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { forwardedBytes } from './forwarded-body.js';

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
      const forwarded = { ...original, ...added };
      const bytes = forwardedBytes(original, raw, forwarded);
      assert.ok(bytes);
      assert.deepEqual(JSON.parse(bytes.toString()), forwarded);
      // The agent's own bytes follow the added fields unchanged (no re-serialisation).
      assert.ok(bytes.toString().endsWith(text.slice(text.indexOf('{') + 1)));
    });
  }

  it('forwards the very same bytes when nothing changed', () => {
    const raw = Buffer.from('{"model":"m"}');
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    assert.equal(forwardedBytes(body, raw, body), raw);
    assert.equal(forwardedBytes(body, raw, { ...body }), raw);
  });

  it('leaves a body whose fields changed or went away to be serialised anew', () => {
    const raw = Buffer.from('{"model":"gpt-4o","max_tokens":9000,"stream_options":{}}');
    const body = JSON.parse(raw.toString()) as Record<string, unknown>;
    assert.equal(forwardedBytes(body, raw, { ...body, model: 'gpt-4o-mini' }), undefined);
    assert.equal(forwardedBytes(body, raw, { ...body, max_tokens: 4096 }), undefined);
    assert.equal(forwardedBytes(body, raw, { ...body, stream_options: { include_usage: true } }), undefined);
    const { max_tokens: _dropped, ...without } = body;
    assert.equal(forwardedBytes(body, raw, without), undefined);
  });
});
