import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { abridgeStaleToolOutputsStep, abridgeToolOutput } from './abridge-stale-tool-outputs.js';
import type { Message } from './conversation.js';

const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i + 1}`).join('\n');

describe('abridgeToolOutput', () => {
  const cases: [string, string, number, string][] = [
    [
      'keeps the first and last 3 lines',
      lines(10),
      3,
      'line 1\nline 2\nline 3\n[… 4 lines abridged by agent-governor …]\nline 8\nline 9\nline 10',
    ],
    [
      'keeps the first and last line',
      lines(5),
      1,
      'line 1\n[… 3 lines abridged by agent-governor …]\nline 5',
    ],
    ['leaves an output cutting would not shorten', lines(7), 3, lines(7)],
    ['leaves a short output', 'ok', 3, 'ok'],
  ];
  for (const [name, input, keep, expected] of cases) {
    it(name, () => {
      assert.equal(abridgeToolOutput(input, keep), expected);
      assert.equal(abridgeToolOutput(expected, keep), expected, 'abridging twice is abridging once');
    });
  }
});

describe('abridgeStaleToolOutputsStep', () => {
  const long = lines(20);
  const cut = 'line 1\nline 2\n[… 16 lines abridged by agent-governor …]\nline 19\nline 20';

  it('OpenAI: abridges tool messages older than keepTurns, keeps their tool_call_id, leaves user text and recent tool output', () => {
    const messages: Message[] = [
      { role: 'system', content: long },
      { role: 'user', content: long },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: long },
      { role: 'assistant', content: 'done' },
      { role: 'user', content: 'next' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c2', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c2', content: [{ type: 'text', text: long }] },
    ];
    const out = abridgeStaleToolOutputsStep('chat.completions', messages, 1, 2);
    assert.deepEqual(out[3], { role: 'tool', tool_call_id: 'c1', content: cut });
    for (const i of [0, 1, 2, 4, 5, 6, 7]) assert.equal(out[i], messages[i], `message ${i} untouched`);
    assert.equal(abridgeStaleToolOutputsStep('chat.completions', out, 1, 2), out);
  });

  it('Anthropic: abridges old tool_result blocks (string and text content), the tool_use_id kept; a tool_result message does not start a turn', () => {
    const messages: Message[] = [
      { role: 'user', content: 'first' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: long }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'f', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: long }] }],
      },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'second' },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't3', name: 'f', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't3', content: long }] },
    ];
    const out = abridgeStaleToolOutputsStep('messages', messages, 1, 2);
    assert.deepEqual(out[2], {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 't1', content: cut }],
    });
    assert.deepEqual(out[4], {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: cut }] }],
    });
    assert.equal(out[8], messages[8], 'the tool result of the latest turn is kept whole');
  });
});
