import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { errorBody } from './error-body.js';

describe('errorBody', () => {
  it('answers OpenAI-style for OpenAI APIs and unknown paths', () => {
    const a = errorBody('chat.completions', 404, 'model_not_found', 'no route', 'model');
    assert.equal(a.status, 404);
    assert.deepEqual(JSON.parse(a.body), {
      error: { message: 'no route', type: 'invalid_request_error', param: 'model', code: 'model_not_found' },
    });
    assert.equal(JSON.parse(errorBody(undefined, 404, 'unknown_path', 'x').body).error.code, 'unknown_path');
  });

  it('answers Anthropic-style for the Messages API', () => {
    assert.deepEqual(
      JSON.parse(errorBody('messages', 429, 'budget_exhausted', 'budget "daily" exhausted').body),
      {
        type: 'error',
        error: { type: 'rate_limit_error', message: 'budget "daily" exhausted' },
      },
    );
  });

  const types: [number, string, string, string][] = [
    [400, 'invalid_json', 'invalid_request_error', 'invalid_request_error'],
    [403, 'residency_denied', 'permission_error', 'permission_error'],
    [413, 'request_too_large', 'invalid_request_error', 'request_too_large'],
    [429, 'budget_exhausted', 'insufficient_quota', 'rate_limit_error'],
    [429, 'reasoning_budget_exceeded', 'rate_limit_error', 'rate_limit_error'],
    [502, 'bad_upstream_response', 'server_error', 'api_error'],
    [504, 'upstream_timeout', 'server_error', 'api_error'],
  ];
  for (const [status, code, openai, anthropic] of types) {
    it(`types ${status} ${code} as ${openai} / ${anthropic}`, () => {
      assert.equal(JSON.parse(errorBody('responses', status, code, 'm').body).error.type, openai);
      assert.equal(JSON.parse(errorBody('messages', status, code, 'm').body).error.type, anthropic);
    });
  }
});
