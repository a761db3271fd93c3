import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SUMMARY_INSTRUCTION, summaryRequestBody, summaryTranscript } from './summary-request.js';

describe('summaryTranscript', () => {
  it('writes each message under its role, with tool calls, tool results and the summary it continues', () => {
    const text = summaryTranscript(
      'chat.completions',
      [
        { role: 'system', content: 'sys' },
        { role: 'user', content: 'Where is order 7?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c', type: 'function', function: { name: 'orders', arguments: '{"id":7}' } }],
        },
        { role: 'tool', tool_call_id: 'c', content: 'shipped' },
      ],
      1,
      4,
      { text: 'Earlier: order 6 refunded.', cut: 1 },
    );
    assert.equal(
      text,
      'SUMMARY OF WHAT CAME BEFORE:\nEarlier: order 6 refunded.\n\nUSER:\nWhere is order 7?\n\n' +
        'ASSISTANT:\n[calls orders({"id":7})]\n\nTOOL:\nshipped',
    );
  });

  it('reads Anthropic tool_use, tool_result and documents', () => {
    const text = summaryTranscript(
      'messages',
      [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'search', input: { q: 'x' } }] },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 't', content: [{ type: 'text', text: 'found' }] },
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'the doc' } },
          ],
        },
      ],
      0,
      2,
    );
    assert.equal(
      text,
      'ASSISTANT:\n[calls search({"q":"x"})]\n\nUSER:\n[result of the call]\nfound\n[document]\nthe doc',
    );
  });
});

describe('summaryRequestBody', () => {
  it('asks in the API of the call, with the instruction as its system prompt and the output limit given', () => {
    const chat = summaryRequestBody('chat.completions', 'gpt-4o-mini', { max_tokens: 500 }, 'T');
    assert.deepEqual(chat, {
      model: 'gpt-4o-mini',
      max_tokens: 500,
      messages: [
        { role: 'system', content: SUMMARY_INSTRUCTION },
        { role: 'user', content: 'Summarise this conversation:\n\nT' },
      ],
    });
    const messages = summaryRequestBody('messages', 'claude-3-5-haiku-latest', { max_tokens: 500 }, 'T');
    assert.equal(messages['system'], SUMMARY_INSTRUCTION);
    assert.deepEqual(messages['messages'], [{ role: 'user', content: 'Summarise this conversation:\n\nT' }]);
  });
});
