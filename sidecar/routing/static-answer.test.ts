import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { staticAnswer } from './static-answer.js';

const events = (body: Buffer) =>
  body
    .toString()
    .split('\n\n')
    .filter(Boolean)
    .map(
      (e) =>
        e
          .split('\n')
          .find((l) => l.startsWith('data: '))
          ?.slice(6) ?? '',
    );

describe('staticAnswer', () => {
  const text = 'Busy, try later.';

  it('is a chat completion with the text and zero usage', () => {
    const a = staticAnswer('chat.completions', 'gpt-4o', text, false)!;
    const body = JSON.parse(a.body.toString());
    assert.equal(a.contentType, 'application/json');
    assert.equal(body.object, 'chat.completion');
    assert.equal(body.choices[0].message.content, text);
    assert.equal(body.choices[0].finish_reason, 'stop');
    assert.deepEqual(body.usage, { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
  });

  it('streams a chat completion that ends in [DONE]', () => {
    const a = staticAnswer('chat.completions', 'gpt-4o', text, true)!;
    assert.match(a.contentType, /^text\/event-stream/);
    const data = events(a.body);
    assert.equal(data.at(-1), '[DONE]');
    assert.equal(JSON.parse(data[0]!).choices[0].delta.content, text);
  });

  it('is an Anthropic message, and streams with message_stop', () => {
    const json = JSON.parse(staticAnswer('messages', 'claude', text, false)!.body.toString());
    assert.equal(json.type, 'message');
    assert.deepEqual(json.content, [{ type: 'text', text }]);
    const stream = staticAnswer('messages', 'claude', text, true)!.body.toString();
    assert.match(stream, /^event: message_start\n/);
    assert.match(stream, /event: message_stop\ndata: \{"type":"message_stop"\}\n\n$/);
  });

  it('is a Responses object, and streams with response.completed', () => {
    const json = JSON.parse(staticAnswer('responses', 'gpt-4o', text, false)!.body.toString());
    assert.equal(json.object, 'response');
    assert.equal(json.output[0].content[0].text, text);
    const last = JSON.parse(events(staticAnswer('responses', 'gpt-4o', text, true)!.body).at(-1)!);
    assert.equal(last.type, 'response.completed');
  });

  it('is a text completion', () => {
    const json = JSON.parse(
      staticAnswer('completions', 'gpt-3.5-turbo-instruct', text, false)!.body.toString(),
    );
    assert.equal(json.choices[0].text, text);
  });

  it('does not exist for embeddings', () =>
    assert.equal(staticAnswer('embeddings', 'e', text, false), undefined));
});
