import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { cacheKey, canonicalJson } from './cache-key.js';

type Body = Record<string, unknown>;
const chat = (extra: Body = {}): Body => ({
  model: 'gpt-4o',
  temperature: 0,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
  ...extra,
});

describe('cacheKey', () => {
  const same: [string, ApiKind, Body, Body][] = [
    [
      'key order at every depth does not matter',
      'chat.completions',
      chat(),
      {
        messages: [
          { content: 'Be brief.', role: 'system' },
          { content: 'Hi', role: 'user' },
        ],
        temperature: 0,
        model: 'gpt-4o',
      },
    ],
    ['user is left out', 'chat.completions', chat({ user: 'alice' }), chat({ user: 'bob' })],
    [
      'metadata is left out',
      'messages',
      { model: 'claude', metadata: { user_id: 'a' } },
      { model: 'claude' },
    ],
    [
      'safety_identifier and prompt_cache_key are left out',
      'responses',
      { input: 'x', safety_identifier: 'u1', prompt_cache_key: 'k' },
      { input: 'x' },
    ],
    ['stream absent is stream false', 'chat.completions', chat(), chat({ stream: false })],
    ['an undefined member is no member', 'chat.completions', chat({ seed: undefined }), chat()],
  ];
  for (const [name, api, a, b] of same)
    it(`same key: ${name}`, () => assert.equal(cacheKey(api, a), cacheKey(api, b)));

  const different: [string, ApiKind, Body, ApiKind, Body][] = [
    [
      'a stream and a JSON answer never share an entry',
      'chat.completions',
      chat({ stream: true }),
      'chat.completions',
      chat(),
    ],
    [
      'another message',
      'chat.completions',
      chat(),
      'chat.completions',
      chat({ messages: [{ role: 'user', content: 'Hello' }] }),
    ],
    [
      'message order matters',
      'chat.completions',
      chat(),
      'chat.completions',
      chat({
        messages: [
          { role: 'user', content: 'Hi' },
          { role: 'system', content: 'Be brief.' },
        ],
      }),
    ],
    ['another model', 'chat.completions', chat(), 'chat.completions', chat({ model: 'gpt-4o-mini' })],
    [
      'another API with the same body',
      'completions',
      { model: 'm', prompt: 'x' },
      'chat.completions',
      { model: 'm', prompt: 'x' },
    ],
    [
      'a nested metadata-like key is part of the question',
      'chat.completions',
      chat({ tools: [{ metadata: 1 }] }),
      'chat.completions',
      chat({ tools: [{ metadata: 2 }] }),
    ],
    [
      'stream_options change what the client sees',
      'chat.completions',
      chat({ stream: true, stream_options: { include_usage: true } }),
      'chat.completions',
      chat({ stream: true }),
    ],
  ];
  for (const [name, apiA, a, apiB, b] of different) {
    it(`different keys: ${name}`, () => assert.notEqual(cacheKey(apiA, a), cacheKey(apiB, b)));
  }

  it('is a sha256 in hex', () => assert.match(cacheKey('embeddings', { input: 'x' }), /^[0-9a-f]{64}$/));
});

describe('canonicalJson', () => {
  const cases: [unknown, string][] = [
    [{ b: 1, a: { d: [3, { y: 1, x: 2 }], c: null } }, '{"a":{"c":null,"d":[3,{"x":2,"y":1}]},"b":1}'],
    ['text "quoted"', '"text \\"quoted\\""'],
    [[undefined, 1], '[null,1]'],
    [1.5e-7, '1.5e-7'],
  ];
  for (const [value, json] of cases) it(json, () => assert.equal(canonicalJson(value), json));
});
