import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { Agent, headerNameToString, request } from './undici-parts.js';

test('request goes through the given Agent with method, path, query, headers and body', async () => {
  const seen: { method?: string; url?: string; auth?: string; body?: string } = {};
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => {
      body += chunk.toString();
    });
    req.on('end', () => {
      Object.assign(seen, { method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(201, { 'x-answer': 'yes', 'set-cookie': ['a=1', 'b=2'] });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ connections: 1 });
  try {
    const { port } = server.address() as AddressInfo;
    const response = await request(`http://127.0.0.1:${port}/v1/usage?after=7`, {
      method: 'POST',
      headers: { authorization: 'Bearer t' },
      body: '{"n":1}',
      dispatcher: agent,
    });
    assert.equal(response.statusCode, 201);
    assert.equal(response.headers['x-answer'], 'yes');
    assert.deepEqual(response.headers['set-cookie'], ['a=1', 'b=2']);
    assert.equal(await response.body.text(), '{"ok":true}');
    assert.deepEqual(seen, { method: 'POST', url: '/v1/usage?after=7', auth: 'Bearer t', body: '{"n":1}' });
  } finally {
    await agent.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('a request without a method is a GET', async () => {
  let method = '';
  const server = createServer((req, res) => {
    method = req.method ?? '';
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent();
  try {
    const { port } = server.address() as AddressInfo;
    const response = await request(`http://127.0.0.1:${port}/`, { dispatcher: agent });
    await response.body.dump();
    assert.equal(method, 'GET');
  } finally {
    await agent.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

test('headerNameToString lower-cases a raw name, well-known or not', () => {
  assert.equal(headerNameToString(Buffer.from('Content-Type')), 'content-type');
  assert.equal(
    headerNameToString(Buffer.from('X-RateLimit-Remaining-Tokens')),
    'x-ratelimit-remaining-tokens',
  );
});
