import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeSaving, orderHistory, supportConversation } from './compression-step.js';

describe('the compression step', () => {
  it('resends a conversation whose every tool call is answered, in order', () => {
    const messages = supportConversation();
    const calls = messages.flatMap((m) =>
      ((m['tool_calls'] as { id: string }[] | undefined) ?? []).map((c) => c.id),
    );
    const results = messages.filter((m) => m['role'] === 'tool').map((m) => m['tool_call_id']);
    assert.deepEqual(results, calls);
    assert.deepEqual(calls, ['call_1', 'call_2']);
    assert.equal(messages.filter((m) => m['role'] === 'user').length, 4);
  });

  it('has two tool outputs alike, padded in columns, as a repeated lookup returns them', () => {
    assert.equal(orderHistory(1042), orderHistory(1042));
    assert.equal(orderHistory(1042).split('\n').length, 31);
    assert.match(orderHistory(1042), / {6}scanned at depot/);
  });

  it('says what went upstream against what the agent sent', () => {
    assert.equal(
      describeSaving({ status: 200, tokens: 0, ms: 1, inputTokensBefore: 1688, inputTokensAfter: 275 }),
      '1,688 → 275 input tokens (−84 %)',
    );
    assert.equal(describeSaving({ status: 200, tokens: 0, ms: 1 }), 'no x-governor-input-tokens headers');
  });
});
