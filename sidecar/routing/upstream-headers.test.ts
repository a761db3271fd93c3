import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { upstreamHead, upstreamHeaders } from './upstream-headers.js';

describe('upstreamHeaders', () => {
  const incoming = {
    authorization: 'Bearer agent-key',
    'x-api-key': 'agent-anthropic-key',
    'api-key': 'agent-azure-key',
    cookie: 'session=1',
    'proxy-authorization': 'Basic x',
    'x-governor-use-case': 'summarize',
    'accept-encoding': 'gzip, br',
    'user-agent': 'OpenAI/JS 6.0',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    'anthropic-version': '2023-06-01',
    'anthropic-beta': 'prompt-caching-2024-07-31',
    'x-stainless-retry-count': '0',
    'content-length': '999',
  };

  it("drops every credential of the agent and adds the sidecar's", () => {
    const headers = upstreamHeaders(incoming, { authorization: 'Bearer sidecar-key' }, false, 42);
    assert.equal(headers['authorization'], 'Bearer sidecar-key');
    assert.equal(headers['x-api-key'], undefined);
    assert.equal(headers['api-key'], undefined);
    assert.equal(headers['cookie'], undefined);
    assert.equal(headers['proxy-authorization'], undefined);
    assert.equal(headers['x-governor-use-case'], undefined);
    assert.doesNotMatch(JSON.stringify(headers), /agent-/);
  });

  it('asks for identity encoding, sets the real length and keeps SDK and trace headers', () => {
    const headers = upstreamHeaders(incoming, {}, true, 42);
    assert.equal(headers['accept-encoding'], 'identity');
    assert.equal(headers['content-length'], '42');
    assert.equal(headers['content-type'], 'application/json');
    assert.equal(headers['user-agent'], 'OpenAI/JS 6.0');
    assert.equal(headers['traceparent'], incoming.traceparent);
    assert.equal(headers['anthropic-beta'], 'prompt-caching-2024-07-31');
    assert.equal(headers['x-stainless-retry-count'], '0');
  });

  it('adds an anthropic-version for Anthropic when the agent sent none', () => {
    assert.equal(upstreamHeaders({}, { 'x-api-key': 'k' }, true, 1)['anthropic-version'], '2023-06-01');
    assert.equal(upstreamHeaders({}, {}, false, 1)['anthropic-version'], undefined);
  });
});

/** undici's raw headers: name, value, name, value, ... as the bytes arrived. */
const raw = (...texts: string[]) => texts.map((text) => Buffer.from(text, 'latin1'));

describe('upstreamHead', () => {
  it('relays content type, request ids and rate limits, not lengths, encodings or cookies', () => {
    const head = upstreamHead(
      200,
      raw(
        'Content-Type',
        'text/event-stream',
        'Content-Length',
        '10',
        'Transfer-Encoding',
        'chunked',
        'Connection',
        'keep-alive',
        'Set-Cookie',
        'a=1',
        'x-request-id',
        'req_1',
        'X-RateLimit-Remaining-Tokens',
        '100',
        'anthropic-ratelimit-requests-remaining',
        '5',
        'Retry-After',
        '2',
        'openai-processing-ms',
        '12',
        'Cache-Control',
        'no-cache',
      ),
    );
    assert.equal(head.status, 200);
    assert.deepEqual(head.headers, {
      'content-type': 'text/event-stream',
      'x-request-id': 'req_1',
      'x-ratelimit-remaining-tokens': '100',
      'anthropic-ratelimit-requests-remaining': '5',
      'retry-after': '2',
      'openai-processing-ms': '12',
      'cache-control': 'no-cache',
    });
    assert.equal(head.retryAfter, '2');
  });

  it('joins a repeated relayed header and keeps the first retry-after apart', () => {
    const head = upstreamHead(
      429,
      raw('retry-after', '3', 'x-request-id', 'a', 'Retry-After', '9', 'X-Request-Id', 'b'),
    );
    assert.deepEqual(head.headers, { 'retry-after': '3, 9', 'x-request-id': 'a, b' });
    assert.equal(head.retryAfter, '3');
  });

  it('decodes values as latin1 and has no retry-after when none came', () => {
    const head = upstreamHead(200, raw('x-request-id', 'r\u00e9q', '__proto__', 'x'));
    assert.deepEqual(head.headers, { 'x-request-id': 'r\u00e9q' });
    assert.equal(Object.getPrototypeOf(head.headers), Object.prototype);
    assert.equal(head.retryAfter, undefined);
  });
});
