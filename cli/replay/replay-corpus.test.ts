import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseCorpus } from './replay-corpus.js';

describe('parseCorpus', () => {
  it('reads capture export records and hand-written cases, skipping blanks and comments', () => {
    const text = [
      '# support questions',
      JSON.stringify({
        v: 1,
        traceId: 'abc',
        api: 'chat.completions',
        request: 'user: hi',
        body: {
          model: 'gpt-4o',
          messages: [{ role: 'user', content: 'hi' }],
          stream: true,
          stream_options: {},
        },
        answer: 'hello',
      }),
      '',
      JSON.stringify({ api: 'messages', body: { model: 'claude-sonnet-4', max_tokens: 50, messages: [] } }),
      JSON.stringify({
        id: 'refund',
        api: 'chat.completions',
        body: { model: 'gpt-4o' },
        answer: '{"ok":true}',
      }),
    ].join('\n');
    assert.deepEqual(parseCorpus(text, 'c.jsonl'), [
      {
        id: 'abc',
        line: 2,
        api: 'chat.completions',
        body: { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] },
        answer: 'hello',
      },
      {
        id: 'line 4',
        line: 4,
        api: 'messages',
        body: { model: 'claude-sonnet-4', max_tokens: 50, messages: [] },
      },
      { id: 'refund', line: 5, api: 'chat.completions', body: { model: 'gpt-4o' }, answer: '{"ok":true}' },
    ]);
  });

  const bad: [string, string, RegExp][] = [
    ['not JSON', '{"api":', /c\.jsonl:1: not JSON/],
    ['an array', '[1]', /c\.jsonl:1: expected a JSON object/],
    [
      'an unknown api',
      '{"api":"images","body":{}}',
      /c\.jsonl:1: api: expected one of chat\.completions, .*got "images"/,
    ],
    ['no body', '{"api":"messages"}', /c\.jsonl:1: body: expected the request body/],
    [
      'a capture record without body',
      '{"v":1,"api":"chat.completions","request":"user: hi"}',
      /c\.jsonl:1: body: this capture record has no request body/,
    ],
    [
      'an answer that is no string',
      '{"api":"messages","body":{},"answer":{}}',
      /c\.jsonl:1: answer: expected/,
    ],
  ];
  for (const [name, line, error] of bad)
    it(`refuses ${name}, naming the file and line`, () => {
      assert.throws(() => parseCorpus(line, 'c.jsonl'), error);
    });
});
