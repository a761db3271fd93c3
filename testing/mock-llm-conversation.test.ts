import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { toolCallProblem } from './mock-llm-conversation.js';

const call = (id: string) => ({ id, type: 'function', function: { name: 'f', arguments: '{}' } });

describe('toolCallProblem', () => {
  it('OpenAI: accepts answered tool calls; refuses a tool message without its call and a call left unanswered', () => {
    const valid = [
      { role: 'user', content: 'q' },
      { role: 'assistant', content: null, tool_calls: [call('a'), call('b')] },
      { role: 'tool', tool_call_id: 'a', content: '1' },
      { role: 'tool', tool_call_id: 'b', content: '2' },
      { role: 'user', content: 'q2' },
    ];
    assert.equal(toolCallProblem('chat.completions', { messages: valid }), undefined);
    assert.match(
      toolCallProblem('chat.completions', {
        messages: [valid[0], { role: 'tool', tool_call_id: 'x', content: '' }],
      }) ?? '',
      /must be a response to a preceding message with 'tool_calls'/,
    );
    assert.match(
      toolCallProblem('chat.completions', { messages: [valid[1], valid[2], valid[4]] }) ?? '',
      /missing: b/,
    );
  });

  it('Anthropic: accepts results in the next message; refuses an unknown tool_use_id and a tool_use left unanswered', () => {
    const use = { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] };
    const result = { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'r' }] };
    assert.equal(
      toolCallProblem('messages', { messages: [{ role: 'user', content: 'q' }, use, result] }),
      undefined,
    );
    assert.match(
      toolCallProblem('messages', { messages: [{ role: 'user', content: 'q' }, result] }) ?? '',
      /unexpected `tool_use_id`/,
    );
    assert.match(
      toolCallProblem('messages', { messages: [use, { role: 'user', content: 'no result' }] }) ?? '',
      /without `tool_result` blocks/,
    );
  });
});
