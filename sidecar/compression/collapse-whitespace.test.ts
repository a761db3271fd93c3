import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { collapseWhitespace, collapseWhitespaceStep } from './collapse-whitespace.js';
import type { Message } from './conversation.js';

describe('collapseWhitespace', () => {
  const cases: [string, string, string][] = [
    ['a run of spaces and tabs between words', 'one   two\t\tthree \t four', 'one two three four'],
    ['trailing spaces of each line and of the text', 'one  \ntwo\t\nthree   ', 'one\ntwo\nthree'],
    ['three or more newlines to two', 'one\n\n\n\ntwo\n\n\nthree\n\nfour', 'one\n\ntwo\n\nthree\n\nfour'],
    ['blank lines holding spaces', 'one\n  \n \t \n\ntwo', 'one\n\ntwo'],
    ['CRLF line ends', 'one  \r\n\r\n\r\n\r\ntwo', 'one\r\n\r\ntwo'],
    ['indentation at the start of a line is kept', 'list:\n    - a   b\n\t- c', 'list:\n    - a b\n\t- c'],
    [
      'nothing inside a code fence',
      'see   this:\n```py\ndef f():\n    x  =  1   \n\n\n\n    return x\n```\nand   that',
      'see this:\n```py\ndef f():\n    x  =  1   \n\n\n\n    return x\n```\nand that',
    ],
    ['an unclosed fence runs to the end', 'a   b\n```\nx    y   ', 'a b\n```\nx    y   '],
    ['spaces before a fence are not a line end', 'run  ```x  y```  tail  ', 'run ```x  y``` tail'],
    ['text with nothing to collapse', 'Hello, world.\nBye.', 'Hello, world.\nBye.'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      assert.equal(collapseWhitespace(input), expected);
      assert.equal(collapseWhitespace(expected), expected, 'collapsing twice is collapsing once');
    });
  }
});

describe('collapseWhitespaceStep', () => {
  const spaced = 'old   text \n\n\n\nhere';
  const tight = 'old text\n\nhere';

  it('OpenAI: collapses user, assistant and tool text older than keepTurns; never the system prompt, tool-call arguments or the latest turns', () => {
    const messages: Message[] = [
      { role: 'system', content: spaced },
      {
        role: 'user',
        content: [
          { type: 'text', text: spaced },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"q":  "a   b"}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: spaced },
      { role: 'assistant', content: spaced },
      { role: 'user', content: spaced },
    ];
    const out = collapseWhitespaceStep('chat.completions', messages, 1);
    assert.deepEqual(out, [
      { role: 'system', content: spaced },
      {
        role: 'user',
        content: [
          { type: 'text', text: tight },
          { type: 'image_url', image_url: { url: 'x' } },
        ],
      },
      messages[2],
      { role: 'tool', tool_call_id: 'c1', content: tight },
      { role: 'assistant', content: tight },
      { role: 'user', content: spaced },
    ]);
    assert.equal(out[2], messages[2], 'a message without text to change is the same object');
    assert.deepEqual(collapseWhitespaceStep('chat.completions', out, 1), out);
  });

  it('Anthropic: collapses text and tool_result blocks; tool_use input and thinking untouched', () => {
    const messages: Message[] = [
      { role: 'user', content: spaced },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: spaced, signature: 's' },
          { type: 'text', text: spaced },
          { type: 'tool_use', id: 't1', name: 'f', input: { q: 'a   b' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: spaced }] },
      { role: 'user', content: 'latest   question' },
    ];
    const out = collapseWhitespaceStep('messages', messages, 1);
    assert.deepEqual(out, [
      { role: 'user', content: tight },
      {
        role: 'assistant',
        content: [
          { type: 'thinking', thinking: spaced, signature: 's' },
          { type: 'text', text: tight },
          { type: 'tool_use', id: 't1', name: 'f', input: { q: 'a   b' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: tight }] },
      { role: 'user', content: 'latest   question' },
    ]);
  });

  it('keeps everything while there are no more user turns than keepTurns', () => {
    const messages: Message[] = [
      { role: 'user', content: spaced },
      { role: 'assistant', content: spaced },
      { role: 'user', content: spaced },
    ];
    assert.equal(collapseWhitespaceStep('chat.completions', messages, 2), messages);
    assert.equal(collapseWhitespaceStep('messages', messages, 4), messages);
  });
});
