import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { streamErrorEvent } from './stream-error-event.js';

describe('streamErrorEvent', () => {
  it('is an Anthropic error event for Messages', () => {
    assert.equal(
      streamErrorEvent('messages', 'cut off').toString(),
      'event: error\ndata: {"type":"error","error":{"type":"api_error","message":"cut off"}}\n\n',
    );
  });
  it('is an error data event for chat completions (the OpenAI SDK throws on it)', () => {
    const text = streamErrorEvent('chat.completions', 'cut off').toString();
    assert.match(text, /^data: /);
    assert.equal(JSON.parse(text.slice(6)).error.code, 'upstream_stream_broken');
  });
  it('is a named error event for Responses', () => {
    const text = streamErrorEvent('responses', 'cut off').toString();
    assert.match(text, /^event: error\ndata: /);
    assert.equal(JSON.parse(text.split('data: ')[1]!).error.message, 'cut off');
  });
});
