import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentKeyAuthorization } from './agent-key.js';

describe('agentKeyAuthorization', () => {
  it('takes the OpenAI SDKs’ Authorization header as it is', () =>
    assert.equal(agentKeyAuthorization({ authorization: 'Bearer t1' }), 'Bearer t1'));
  it('turns the Anthropic SDKs’ x-api-key into a bearer token', () =>
    assert.equal(agentKeyAuthorization({ 'x-api-key': ' t2 ' }), 'Bearer t2'));
  it('prefers Authorization when both are sent', () =>
    assert.equal(agentKeyAuthorization({ authorization: 'Bearer a', 'x-api-key': 'b' }), 'Bearer a'));
  it('is undefined without a key', () => {
    assert.equal(agentKeyAuthorization({}), undefined);
    assert.equal(agentKeyAuthorization({ 'x-api-key': '  ' }), undefined);
  });
});
