import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Message } from './conversation.js';
import { dropDuplicatesStep, normalisedText } from './drop-duplicates.js';

const doc = `Quarterly report. ${'Revenue grew in every region. '.repeat(10)}`;
const toolOut = '{"rows": [1, 2, 3], "status": "complete", "source": "warehouse"}';

describe('normalisedText', () => {
  it('makes whitespace runs one space and trims', () => {
    assert.equal(normalisedText('  a \n\n b\tc  '), 'a b c');
  });
});

describe('dropDuplicatesStep', () => {
  it('OpenAI: a repeated tool output and a near-exact repeated long user text point at the first; tool_call_ids and order stay', () => {
    const messages: Message[] = [
      { role: 'system', content: doc },
      { role: 'user', content: doc },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'q', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c1', content: toolOut },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c2', type: 'function', function: { name: 'q', arguments: '{}' } }],
      },
      { role: 'tool', tool_call_id: 'c2', content: toolOut },
      { role: 'user', content: [{ type: 'text', text: doc.replace(/\. /g, '.\n  ') }] },
      { role: 'user', content: 'short' },
      { role: 'user', content: 'short' },
      { role: 'user', content: doc },
    ];
    const out = dropDuplicatesStep('chat.completions', messages, 1);
    assert.deepEqual(out, [
      messages[0],
      messages[1],
      messages[2],
      messages[3],
      messages[4],
      { role: 'tool', tool_call_id: 'c2', content: '[same as message 3 above]' },
      { role: 'user', content: [{ type: 'text', text: '[same as message 1 above]' }] },
      messages[7],
      messages[8],
      messages[9],
    ]);
    assert.equal(out.length, messages.length, 'no message is removed');
    assert.deepEqual(dropDuplicatesStep('chat.completions', out, 1), out, 'dropping twice is dropping once');
  });

  it('Anthropic: a repeated tool_result and a repeated plain-text document become markers; tool_use_ids stay', () => {
    const messages: Message[] = [
      {
        role: 'user',
        content: [
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: doc } },
          { type: 'text', text: 'summarise' },
        ],
      },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'q', input: {} }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: toolOut }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't2', name: 'q', input: {} }] },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't2', content: [{ type: 'text', text: toolOut }] }],
      },
      { role: 'assistant', content: 'ok' },
      {
        role: 'user',
        content: [
          { type: 'document', source: { type: 'text', media_type: 'text/plain', data: doc } },
          { type: 'text', text: 'again' },
        ],
      },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'latest' },
    ];
    const out = dropDuplicatesStep('messages', messages, 1);
    assert.deepEqual(out[4], {
      role: 'user',
      content: [
        {
          type: 'tool_result',
          tool_use_id: 't2',
          content: [{ type: 'text', text: '[same as message 2 above]' }],
        },
      ],
    });
    assert.deepEqual(out[6], {
      role: 'user',
      content: [
        {
          type: 'document',
          source: { type: 'text', media_type: 'text/plain', data: '[same as message 0 above]' },
        },
        { type: 'text', text: 'again' },
      ],
    });
    assert.equal(out[2], messages[2]);
    assert.deepEqual(dropDuplicatesStep('messages', out, 1), out);
  });

  it('never changes the latest keepTurns turns, even when they repeat an earlier text', () => {
    const messages: Message[] = [
      { role: 'user', content: doc },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: doc },
    ];
    assert.equal(dropDuplicatesStep('chat.completions', messages, 1), messages);
  });
});
