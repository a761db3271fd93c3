import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { finishReasonsOf } from './finish-reasons.js';

describe('finishReasonsOf', () => {
  it('reads each API', () => {
    assert.deepEqual(finishReasonsOf({ choices: [{ finish_reason: 'stop' }, { finish_reason: 'length' }] }), [
      'stop',
      'length',
    ]);
    assert.deepEqual(finishReasonsOf({ type: 'message', stop_reason: 'end_turn' }), ['end_turn']);
    assert.deepEqual(finishReasonsOf({ object: 'response', status: 'completed' }), ['completed']);
    assert.deepEqual(
      finishReasonsOf({
        object: 'response',
        status: 'incomplete',
        incomplete_details: { reason: 'max_output_tokens' },
      }),
      ['max_output_tokens'],
    );
  });

  it('is empty when the answer says nothing', () => {
    assert.deepEqual(finishReasonsOf(undefined), []);
    assert.deepEqual(finishReasonsOf({ data: [{ embedding: [0.1] }] }), []);
    assert.deepEqual(finishReasonsOf({ choices: [null, { finish_reason: null }] }), []);
  });
});
