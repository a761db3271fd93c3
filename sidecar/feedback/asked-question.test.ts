import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiKind } from '../http/api-kind.js';
import { conversationOf, lastUserMessage } from './asked-question.js';

describe('conversationOf', () => {
  const cases: [string, Record<string, string>, Record<string, unknown>, string | undefined][] = [
    ['the header first', { 'x-governor-conversation-id': 'c1' }, { user: 'u1' }, 'conversation:c1'],
    ['the OpenAI user field', {}, { user: 'u1' }, 'user:u1'],
    ['Anthropic metadata.user_id', {}, { metadata: { user_id: 'u2' } }, 'user:u2'],
    ['an empty header falls back', { 'x-governor-conversation-id': '' }, { user: 'u1' }, 'user:u1'],
    ['nothing to go by', {}, { user: 42 }, undefined],
  ];
  for (const [name, headers, body, expected] of cases) {
    it(name, () => assert.equal(conversationOf(headers, body), expected));
  }
});

describe('lastUserMessage', () => {
  const cases: [string, ApiKind, Record<string, unknown>, string | undefined][] = [
    [
      'chat: the last user turn',
      'chat.completions',
      {
        messages: [
          { role: 'system', content: 'be brief' },
          { role: 'user', content: 'first' },
          { role: 'assistant', content: 'ok' },
          { role: 'user', content: 'second' },
          { role: 'tool', content: 'x' },
        ],
      },
      'second',
    ],
    [
      'chat: text parts joined, images skipped',
      'chat.completions',
      {
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'a' },
              { type: 'image_url', image_url: { url: 'x' } },
              { type: 'text', text: 'b' },
            ],
          },
        ],
      },
      'a\nb',
    ],
    [
      'messages',
      'messages',
      { messages: [{ role: 'user', content: [{ type: 'text', text: 'hi there' }] }] },
      'hi there',
    ],
    ['responses: a string input', 'responses', { input: 'what now' }, 'what now'],
    [
      'responses: items',
      'responses',
      { input: [{ role: 'user', content: [{ type: 'input_text', text: 'why' }] }] },
      'why',
    ],
    ['completions', 'completions', { prompt: 'say hi' }, 'say hi'],
    ['embeddings ask nothing', 'embeddings', { input: 'x' }, undefined],
    ['a malformed body', 'chat.completions', { messages: 'nope' }, undefined],
  ];
  for (const [name, api, body, expected] of cases) {
    it(name, () => assert.equal(lastUserMessage(api, body), expected));
  }
});
