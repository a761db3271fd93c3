import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compressPrompt } from './compress-prompt.js';
import type { Message } from './conversation.js';

const ALL = {
  steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'] as const,
  keepTurns: 1,
  keepLines: 1,
};
const chars = (m: Message) => JSON.stringify(m).length;
const output = Array.from({ length: 12 }, (_, i) => `row ${i}:    value   ${i}`).join('\n');

const conversation: Message[] = [
  { role: 'system', content: 'Be   brief.' },
  { role: 'user', content: 'Look   it up.' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{"a":  1}' } }],
  },
  { role: 'tool', tool_call_id: 'c1', content: output },
  {
    role: 'assistant',
    content: null,
    tool_calls: [{ id: 'c2', type: 'function', function: { name: 'f', arguments: '{"a":  1}' } }],
  },
  { role: 'tool', tool_call_id: 'c2', content: output },
  { role: 'user', content: 'And   now?' },
];

describe('compressPrompt', () => {
  it('runs the steps in order and counts what each saved on the messages it changed', () => {
    const { messages, savings } = compressPrompt(
      'chat.completions',
      conversation,
      { ...ALL, steps: [...ALL.steps] },
      chars,
    );
    assert.ok(messages);
    assert.deepEqual(messages[1], { role: 'user', content: 'Look it up.' });
    assert.deepEqual(messages[3], {
      role: 'tool',
      tool_call_id: 'c1',
      content: 'row 0: value 0\n[… 10 lines abridged by agent-governor …]\nrow 11: value 11',
    });
    assert.deepEqual(messages[5], { role: 'tool', tool_call_id: 'c2', content: '[same as message 3 above]' });
    assert.equal(messages[0], conversation[0]);
    assert.equal(messages[6], conversation[6]);
    assert.deepEqual(
      savings.map((s) => s.step),
      ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
    );
    for (const s of savings) assert.ok(s.tokensSaved > 0, `${s.step} saved something`);
    const total = savings.reduce((sum, s) => sum + s.tokensSaved, 0);
    assert.equal(
      total,
      conversation.reduce((n, m) => n + chars(m), 0) - messages.reduce((n, m) => n + chars(m), 0),
    );
  });

  it('is idempotent: compressing the compressed messages changes nothing and saves nothing', () => {
    const once = compressPrompt('chat.completions', conversation, { ...ALL, steps: [...ALL.steps] }, chars);
    const twice = compressPrompt(
      'chat.completions',
      once.messages ?? [],
      { ...ALL, steps: [...ALL.steps] },
      chars,
    );
    assert.equal(twice.messages, undefined);
    assert.deepEqual(
      twice.savings.map((s) => s.tokensSaved),
      [0, 0, 0],
    );
  });

  it('is deterministic: the same prefix compresses to the same bytes on the next call', () => {
    const config = { ...ALL, steps: [...ALL.steps] };
    const first = compressPrompt('chat.completions', conversation, config, chars).messages ?? [];
    const longer = [
      ...conversation,
      { role: 'assistant', content: 'Done.' },
      { role: 'user', content: 'Thanks' },
    ];
    const next = compressPrompt('chat.completions', longer, config, chars).messages ?? [];
    assert.equal(JSON.stringify(next.slice(0, 6)), JSON.stringify(first.slice(0, 6)));
  });

  it('leaves a conversation with nothing to compress as it is', () => {
    const plain: Message[] = [{ role: 'user', content: 'hi' }];
    const out = compressPrompt('messages', plain, { ...ALL, steps: [...ALL.steps] }, chars);
    assert.equal(out.messages, undefined);
  });
});
