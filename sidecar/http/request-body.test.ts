import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeBodyProblem, isJsonContentType, parseJsonObject } from './request-body.js';

describe('parseJsonObject', () => {
  const json = 'application/json';
  it('reads a JSON object', () =>
    assert.deepEqual(parseJsonObject(Buffer.from('{"model":"gpt-4o"}'), json), {
      ok: true,
      body: { model: 'gpt-4o' },
    }));

  const bad: [string, string | undefined, RegExp][] = [
    ['{"model":', json, /^request body is not valid JSON: /],
    ['[1,2]', json, /must be a JSON object, got an array/],
    ['null', json, /must be a JSON object, got null/],
    ['"text"', json, /must be a JSON object, got string/],
    ['{}', 'text/plain', /content-type must be application\/json, got "text\/plain"/],
    ['{}', undefined, /content-type must be application\/json, got none/],
    ['model=x', 'application/x-www-form-urlencoded', /got "application\/x-www-form-urlencoded"/],
  ];
  for (const [text, type, message] of bad) {
    it(`refuses ${JSON.stringify(text)} as ${type}`, () => {
      const parsed = parseJsonObject(Buffer.from(text), type);
      assert.equal(parsed.ok, false);
      if (!parsed.ok) {
        const described = describeBodyProblem(parsed.problem);
        assert.equal(described.status, 400);
        assert.match(described.message, message);
      }
    });
  }

  it('says the limit of a body too large', () => {
    assert.deepEqual(describeBodyProblem({ kind: 'too-large', limit: 1024 }), {
      status: 413,
      code: 'request_too_large',
      message: "request body is larger than the sidecar's limit of 1024 bytes (--max-body-bytes)",
    });
  });
});

describe('isJsonContentType', () => {
  for (const [type, ok] of [
    ['application/json', true],
    ['Application/JSON; charset=utf-8', true],
    ['application/merge-patch+json', true],
    ['text/json', false],
    ['', false],
  ] as const) {
    it(`${JSON.stringify(type)} → ${ok}`, () => assert.equal(isJsonContentType(type), ok));
  }
});
