import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SharedTraceCalls } from './shared-trace-calls.js';

/** A loopback stand-in for the operator's trace call service: records what it is asked, answers as told. */
let server: Server;
let url: string;
const asked: { path: string; authorization?: string; body: unknown }[] = [];
let answer: { status: number; body: string } = { status: 200, body: '{"admitted":true,"calls":1}' };
const dir = mkdtempSync(join(tmpdir(), 'shared-trace-calls-'));

before(async () => {
  server = createServer(async (request: IncomingMessage, response) => {
    let text = '';
    for await (const chunk of request) text += chunk;
    asked.push({
      path: request.url ?? '',
      ...(request.headers.authorization ? { authorization: request.headers.authorization } : {}),
      body: JSON.parse(text),
    });
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

const take = { traceId: 'plan-42', limit: 3, seen: 1 };

describe('SharedTraceCalls', () => {
  it("posts the take for the agent with the pod's token and reads the count", async () => {
    writeFileSync(join(dir, 'token'), 'token-1\n');
    const shared = new SharedTraceCalls({
      operatorUrl: `${url}/`,
      agent: { namespace: 'team-a', name: 'research bot' },
      tokenFile: join(dir, 'token'),
    });
    asked.length = 0;
    answer = { status: 200, body: '{"admitted":false,"calls":3}' };
    assert.deepEqual(await shared.take(take), { admitted: false, calls: 3 });
    assert.deepEqual(asked, [
      {
        path: '/v1/trace-calls/team-a/research%20bot',
        authorization: 'Bearer token-1',
        body: { traceId: 'plan-42', limit: 3, seen: 1 },
      },
    ]);
    await shared.close();
  });

  it('fails open on an error answer, then leaves the operator alone for the pause', async () => {
    const clock = { now: 1_000 };
    const errors: string[] = [];
    const shared = new SharedTraceCalls({
      operatorUrl: url,
      agent: { namespace: 'team-a', name: 'bot' },
      pauseAfterFailureMs: 5_000,
      now: () => clock.now,
      onError: (e) => errors.push(e.message),
    });
    asked.length = 0;
    answer = { status: 503, body: '{"error":{"message":"not the leader"}}' };
    assert.equal(await shared.take(take), undefined);
    assert.match(errors[0] ?? '', /plan-42 not counted across pods \(the operator answered 503/);
    answer = { status: 200, body: '{"admitted":true,"calls":2}' };
    clock.now += 4_999;
    assert.equal(await shared.take(take), undefined, 'within the pause: the local count decides');
    assert.equal(asked.length, 1, 'and the operator is not asked');
    clock.now += 1;
    assert.deepEqual(await shared.take(take), { admitted: true, calls: 2 });
    answer = { status: 200, body: '{"calls":"many"}' };
    clock.now += 10_000;
    assert.equal(await shared.take(take), undefined, 'an answer that is not a count fails open too');
    await shared.close();
  });

  it('fails open within its timeout when the operator does not answer', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const shared = new SharedTraceCalls({
      operatorUrl: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      agent: { namespace: 'team-a', name: 'bot' },
      timeoutMs: 100,
    });
    const began = performance.now();
    assert.equal(await shared.take(take), undefined);
    assert.ok(performance.now() - began < 1_000, 'the call waited no longer than the timeout');
    await shared.close();
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });
});
