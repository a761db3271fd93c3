import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redactCredentials } from './credential-redaction.js';

describe('redactCredentials', () => {
  const cases: [string, string][] = [
    ['Authorization: Bearer abcdefgh12345678', 'Authorization: [REDACTED]'],
    ['authorization=Basic dXNlcjpwYXNz', 'authorization=[REDACTED]'],
    ['key sk-proj-Abc123Def456 rejected', 'key [REDACTED] rejected'],
    ['sk-ant-api03-Zyx987Wvu654', '[REDACTED]'],
    ['x-api-key: 0123456789abcdef', 'x-api-key: [REDACTED]'],
    ['{"api_key":"abcd1234"}', '{"api_key":"[REDACTED]"}'],
    ['AKIAIOSFODNN7EXAMPLE', '[REDACTED]'],
    ['AIzaSyA-1234567890abcdefghijk', '[REDACTED]'],
    ['password=hunter22&user=bob', 'password=[REDACTED]&user=bob'],
    // ordinary text stays as it is
    ['openai-eu:Timeout', 'openai-eu:Timeout'],
    ['clamped:max_tokens=4096', 'clamped:max_tokens=4096'],
    ['A basic understanding of tokens: 42 used', 'A basic understanding of tokens: 42 used'],
    ['the bearer of good news', 'the bearer of good news'],
  ];
  for (const [text, expected] of cases) {
    it(`masks ${JSON.stringify(text)}`, () => assert.equal(redactCredentials(text), expected));
  }
});
