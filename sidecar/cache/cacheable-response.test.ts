import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type CachedResponse, notCacheable } from './cacheable-response.js';

const entry = (overrides: Partial<CachedResponse>): CachedResponse => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from('{"id":"chatcmpl-1","choices":[]}'),
  usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, estimated: false },
  stream: false,
  ...overrides,
});
const sse = (text: string) =>
  entry({ stream: true, body: Buffer.from(text), headers: { 'content-type': 'text/event-stream' } });

describe('notCacheable: only a complete 200 is cached', () => {
  const cases: [string, CachedResponse, string | undefined][] = [
    ['a whole JSON answer', entry({}), undefined],
    ['a JSON answer with trailing whitespace', entry({ body: Buffer.from('{"a":1}\n') }), undefined],
    ['a 429', entry({ status: 429 }), 'status 429 is not 200'],
    ['a 500', entry({ status: 500 }), 'status 500 is not 200'],
    [
      'a cut-off JSON body',
      entry({ body: Buffer.from('{"id":"chatcmpl-1","choi') }),
      'the body is not a whole JSON object',
    ],
    [
      'an HTML error page with status 200',
      entry({ body: Buffer.from('<html>oops</html>') }),
      'the body is not a whole JSON object',
    ],
    ['an empty body', entry({ body: Buffer.alloc(0) }), 'the body is empty'],
    ['the pipeline says it was not whole', entry({ complete: false }), 'the answer did not arrive whole'],
    ['an OpenAI stream ending with [DONE]', sse('data: {"choices":[]}\n\ndata: [DONE]\n\n'), undefined],
    ['a CRLF stream', sse('data: {"choices":[]}\r\n\r\ndata: [DONE]\r\n\r\n'), undefined],
    [
      'a Responses stream',
      sse('event: response.completed\ndata: {"type":"response.completed","response":{}}\n\n'),
      undefined,
    ],
    ['an Anthropic stream', sse('event: message_stop\ndata: {"type":"message_stop"}\n\n'), undefined],
    [
      'a stream cut before its terminal event',
      sse('data: {"choices":[{"delta":{"content":"Hi"}}]}\n\n'),
      'the stream has no terminal event',
    ],
    [
      'a stream cut inside its last event',
      sse('data: {"choices":[]}\n\ndata: [DO'),
      'the stream does not end with a complete event',
    ],
    [
      'a stream whose terminal event lacks its blank line',
      sse('data: [DONE]\n'),
      'the stream does not end with a complete event',
    ],
    [
      'a failed Responses stream',
      sse('event: response.failed\ndata: {"type":"response.failed"}\n\n'),
      'the stream has no terminal event',
    ],
  ];
  for (const [name, e, reason] of cases) it(name, () => assert.equal(notCacheable(e), reason));
});
