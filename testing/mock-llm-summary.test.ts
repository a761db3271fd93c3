import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mockSummaryOf } from './mock-llm-summary.js';

describe('mockSummaryOf', () => {
  const given = 'Summarise this conversation:\n\nUSER:\nWhere is order 7?\n\nTOOL:\nshipped on Monday';

  it('answers a call whose system prompt asks to summarise, the same for the same text', () => {
    const chat = {
      messages: [
        { role: 'system', content: 'Summarise the earlier part of a conversation.' },
        { role: 'user', content: given },
      ],
    };
    const summary = mockSummaryOf('chat.completions', chat);
    assert.match(summary ?? '', /^Summary [0-9a-f]{8}: Where is order 7\? shipped on Monday$/);
    assert.equal(mockSummaryOf('chat.completions', chat), summary);
    const anthropic = { system: 'Please summarize.', messages: [{ role: 'user', content: given }] };
    assert.equal(mockSummaryOf('messages', anthropic), summary);
  });

  it('leaves every other call to the normal reply', () => {
    assert.equal(
      mockSummaryOf('chat.completions', { messages: [{ role: 'user', content: given }] }),
      undefined,
    );
    assert.equal(mockSummaryOf('messages', { system: 'Be brief.', messages: [] }), undefined);
    assert.equal(mockSummaryOf('responses', { instructions: 'Summarise.' }), undefined);
  });
});
