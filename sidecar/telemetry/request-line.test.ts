import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { requestLineFields, requestLineMembers } from './request-line.js';
import type { RequestRecord } from './request-record.js';
import { requestRecord } from './testdata/request-records.js';

/** Records whose lines must come out as `JSON.stringify` writes the fields, character for character. */
const RECORDS: [string, RequestRecord][] = [
  ['a plain success', requestRecord()],
  [
    'no route nor target, a refusal',
    requestRecord({ route: undefined, target: undefined, outcome: 'Rejected', status: 429, attempts: 0 }),
  ],
  [
    'every optional field',
    requestRecord({
      currency: 'EUR',
      unpriced: true,
      useCase: 'triage',
      fallbackReasons: ['openai-eu:Timeout', 'openai-us:CircuitOpen'],
      decisions: ['degraded:gpt-4o-mini', 'clamped:max_tokens=4096'],
      compression: {
        inputTokensBefore: 900,
        inputTokensAfter: 300,
        steps: [{ step: 'dedupe', tokensSaved: 600 }],
        summary: { model: 'gpt-4o-mini', messages: 4, tokens: 120, writing: true },
      },
      promptTemplate: { name: 'support', version: 'v2', outcome: 'rendered' },
      experiment: { name: 'support-model', variant: 'mini' },
      prompt: [{ role: 'user', content: 'my key is sk-abcdefghijklmnop "quoted"\n' }],
      timings: {
        totalMs: 250.123456,
        upstreamMs: 249.9,
        firstByteMs: 40.5,
        steps: { budget: 0.0123456, '0': 1 },
      },
    }),
  ],
  [
    'strings JSON must escape',
    requestRecord({
      traceId: 'quote " backslash \\ tab \t',
      requestedModel: 'model\u0000with\u001fcontrols',
      model: 'lone \ud800 surrogate, pair 😀, accents é',
      route: 'route "r"',
      target: 'line\nbreak',
      useCase: 'use\\case',
      decisions: ['a"b', 'bearer abcdefghijklmnop'],
    }),
  ],
  [
    'numbers JSON writes as null',
    requestRecord({ costMicros: Number.NaN, timings: { totalMs: Number.POSITIVE_INFINITY, upstreamMs: 1 } }),
  ],
  [
    'negative zero and a long time',
    requestRecord({ costMicros: -0, timings: { totalMs: 123456.7891234, upstreamMs: 0.0004 } }),
  ],
  [
    'estimated usage',
    requestRecord({ usage: { inputTokens: 5, outputTokens: 7, cachedInputTokens: 2, estimated: true } }),
  ],
];

/** The line's fields as one JSON object. */
const requestLineJson = (record: RequestRecord) => `{${requestLineMembers(record)}}`;

describe('requestLineMembers', () => {
  for (const [name, record] of RECORDS) {
    it(`writes the fields as JSON.stringify does: ${name}`, () => {
      assert.equal(requestLineJson(record), JSON.stringify(requestLineFields(record)));
    });
  }

  it('masks credentials in every string that came from outside', () => {
    const line = JSON.parse(
      requestLineJson(
        requestRecord({
          traceId: 'sk-abcdefghijklmnop',
          useCase: 'api_key=abcdefgh',
          decisions: ['bearer abcdefghijklmnop'],
          fallbackReasons: ['t:sk-abcdefghijklmnop'],
        }),
      ),
    ) as Record<string, unknown>;
    assert.equal(line.traceId, '[REDACTED]');
    assert.equal(line.useCase, 'api_key=[REDACTED]');
    assert.deepEqual(line.decisions, ['[REDACTED]']);
    assert.deepEqual(line.fallbackReasons, ['t:[REDACTED]']);
  });
});
