import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { answerTraits, finishReasonOf } from './answer-traits.js';

describe('answerTraits', () => {
  it('reads a chat completion: finish reason, tool calls, refusal', () => {
    assert.deepEqual(
      answerTraits('chat.completions', { choices: [{ finish_reason: 'stop', message: { content: 'hi' } }] }),
      {
        finishReason: 'Stop',
        toolCall: false,
        refusal: false,
      },
    );
    assert.deepEqual(
      answerTraits('chat.completions', {
        choices: [
          { finish_reason: 'tool_calls', message: { tool_calls: [{ id: 'c', function: { name: 'f' } }] } },
        ],
      }),
      { finishReason: 'ToolCalls', toolCall: true, refusal: false },
    );
    assert.deepEqual(
      answerTraits('chat.completions', {
        choices: [{ finish_reason: 'stop', message: { refusal: 'I cannot help.' } }],
      }),
      { finishReason: 'Stop', toolCall: false, refusal: true },
    );
  });

  it('reads Anthropic messages and the Responses API', () => {
    assert.deepEqual(
      answerTraits('messages', { stop_reason: 'max_tokens', content: [{ type: 'text', text: 'x' }] }),
      {
        finishReason: 'Length',
        toolCall: false,
        refusal: false,
      },
    );
    assert.deepEqual(answerTraits('messages', { stop_reason: 'refusal', content: [] }), {
      finishReason: 'ContentFilter',
      toolCall: false,
      refusal: true,
    });
    assert.deepEqual(
      answerTraits('responses', {
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
        output: [{ type: 'function_call', arguments: '{}' }],
      }),
      { finishReason: 'Length', toolCall: true, refusal: false },
    );
    assert.deepEqual(
      answerTraits('responses', {
        status: 'completed',
        output: [{ type: 'message', content: [{ type: 'refusal', refusal: 'no' }] }],
      }),
      { finishReason: 'Stop', toolCall: false, refusal: true },
    );
  });

  it('folds unknown words into Other and reads nothing of embeddings or a non-answer', () => {
    assert.equal(finishReasonOf('pause_turn'), 'Other');
    assert.equal(finishReasonOf(null), undefined);
    assert.equal(answerTraits('embeddings', { data: [] }), undefined);
    assert.equal(answerTraits('chat.completions', 'garbage'), undefined);
  });
});
