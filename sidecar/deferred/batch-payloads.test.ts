import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  anthropicBatchRequest,
  anthropicBatchResult,
  openAIBatchLine,
  openAIBatchResult,
} from './batch-payloads.js';

const chat = { model: 'gpt-4o', stream: true, stream_options: { include_usage: true }, messages: [] };

describe('batch payloads', () => {
  it('writes an OpenAI batch line without the stream fields', () => {
    assert.deepEqual(JSON.parse(openAIBatchLine('job-1', 'chat.completions', chat)), {
      custom_id: 'job-1',
      method: 'POST',
      url: '/v1/chat/completions',
      body: { model: 'gpt-4o', messages: [] },
    });
    assert.ok(openAIBatchLine('job-1', 'chat.completions', chat).endsWith('\n'));
    assert.throws(() => openAIBatchLine('job-1', 'messages', chat), /does not take messages calls/);
  });

  it('writes an Anthropic batch request', () => {
    assert.deepEqual(
      JSON.parse(anthropicBatchRequest('job-2', { model: 'claude', max_tokens: 5, stream: true })),
      {
        requests: [{ custom_id: 'job-2', params: { model: 'claude', max_tokens: 5 } }],
      },
    );
  });

  it('reads the OpenAI output line of a request, an error line, and a missing one', () => {
    const output = [
      { id: 'r1', custom_id: 'other', response: { status_code: 200, body: { id: 'x' } }, error: null },
      {
        id: 'r2',
        custom_id: 'job-1',
        response: { status_code: 200, body: { id: 'chatcmpl-1' } },
        error: null,
      },
      {
        id: 'r3',
        custom_id: 'job-3',
        response: { status_code: 400, body: { error: { message: 'bad model' } } },
        error: null,
      },
      { id: 'r4', custom_id: 'job-4', response: null, error: { code: 'batch_expired', message: 'expired' } },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    assert.deepEqual(openAIBatchResult(output, 'job-1'), {
      ok: true,
      status: 200,
      body: { id: 'chatcmpl-1' },
    });
    assert.deepEqual(openAIBatchResult(output, 'job-3'), { ok: false, status: 400, message: 'bad model' });
    assert.deepEqual(openAIBatchResult(output, 'job-4'), { ok: false, status: 502, message: 'expired' });
    assert.equal(openAIBatchResult(output, 'job-9'), undefined);
  });

  it('reads Anthropic results: succeeded, errored, expired', () => {
    const results = [
      { custom_id: 'a', result: { type: 'succeeded', message: { id: 'msg_1', type: 'message' } } },
      {
        custom_id: 'b',
        result: {
          type: 'errored',
          error: { type: 'error', error: { type: 'invalid_request_error', message: 'no' } },
        },
      },
      { custom_id: 'c', result: { type: 'expired' } },
    ]
      .map((l) => JSON.stringify(l))
      .join('\n');
    assert.deepEqual(anthropicBatchResult(results, 'a'), {
      ok: true,
      status: 200,
      body: { id: 'msg_1', type: 'message' },
    });
    assert.deepEqual(anthropicBatchResult(results, 'b'), { ok: false, status: 400, message: 'no' });
    assert.deepEqual(anthropicBatchResult(results, 'c'), {
      ok: false,
      status: 504,
      message: 'the batch request was expired by the provider',
    });
    assert.equal(anthropicBatchResult(results, 'z'), undefined);
  });
});
