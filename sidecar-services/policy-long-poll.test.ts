// The long-poll on a real loopback HTTP server (without authentication, which the services add in
// front of it): immediate answers, holds, 304 at the end of the hold, wake-up on publish, the
// bound on waiters and the shutdown; and the watch stream: a line per version, its end.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { PolicyLongPoll } from './policy-long-poll.js';
import { PolicyStore } from './policy-store.js';
import { policyFor } from './testdata/policies.js';

let server: Server;
let base: string;
let store: PolicyStore;
let longPoll: PolicyLongPoll;
const fanouts: Array<{ answered: number; seconds: number }> = [];

before(async () => {
  store = new PolicyStore();
  longPoll = new PolicyLongPoll({
    store,
    longPollMs: 300,
    maxWaiters: 3,
    onFanout: (answered, seconds) => fanouts.push({ answered, seconds }),
  });
  server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://x');
    const [namespace, agent] = url.pathname.slice(1).split('/') as [string, string];
    longPoll.serve(
      response,
      namespace,
      agent,
      url.searchParams.get('after') ?? undefined,
      url.searchParams.get('watch') === 'true',
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  longPoll.endAll();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('PolicyLongPoll', () => {
  it('answers 404 naming the agent when there is no policy and no version is held', async () => {
    const response = await fetch(`${base}/team-a/nobody`);
    assert.equal(response.status, 404);
    assert.match(
      ((await response.json()) as { error: { message: string } }).error.message,
      /agent team-a\/nobody/,
    );
  });

  it('answers at once with the policy and its version header', async () => {
    const { version } = store.publish('team-a', 'support', policyFor('team-a', 'support'));
    const response = await fetch(`${base}/team-a/support?after=1`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('x-governor-policy-version'), version);
    assert.equal(((await response.json()) as { version: string }).version, version);
  });

  it('holds a poll of the current version and answers 304 when the hold ends', async () => {
    const { version } = store.publish('team-a', 'support', policyFor('team-a', 'support'));
    const began = performance.now();
    const response = await fetch(`${base}/team-a/support?after=${version}`);
    assert.equal(response.status, 304);
    assert.ok(performance.now() - began >= 250, 'held for about the long-poll time');
    assert.equal(longPoll.waiting, 0);
  });

  it('answers a held poll when the policy changes', async () => {
    const { version } = store.publish('team-a', 'support', policyFor('team-a', 'support'));
    const pending = fetch(`${base}/team-a/support?after=${version}`);
    while (longPoll.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const next = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 77 }),
    );
    const response = await pending;
    assert.equal(response.status, 200);
    const body = (await response.json()) as { version: string; reasoning: { maxTokensPerRequest: number } };
    assert.equal(body.version, next.version);
    assert.equal(body.reasoning.maxTokensPerRequest, 77);
  });

  it('reports one fan-out per change, with every held poll it answered', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 40 }),
    );
    const held = [1, 2, 3].map(() => fetch(`${base}/team-a/support?after=${version}`));
    while (longPoll.waiting < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    fanouts.length = 0;
    store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 41 }));
    assert.deepEqual(
      (await Promise.all(held)).map((r) => r.status),
      [200, 200, 200],
    );
    assert.equal(fanouts.length, 1);
    assert.equal(fanouts[0]?.answered, 3);
    assert.ok((fanouts[0]?.seconds ?? -1) >= 0);
    // A change no poll waits for is no fan-out.
    store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 42 }));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(fanouts.length, 1);
  });

  it("reports each agent's change apart when two changes wake polls in one turn", async () => {
    const support = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 50 }),
    );
    const billing = store.publish(
      'team-a',
      'billing',
      policyFor('team-a', 'billing', { maxTokensPerRequest: 50 }),
    );
    const held = [
      fetch(`${base}/team-a/support?after=${support.version}`),
      fetch(`${base}/team-a/billing?after=${billing.version}`),
      fetch(`${base}/team-a/billing?after=${billing.version}`),
    ];
    while (longPoll.waiting < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    fanouts.length = 0;
    store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 51 }));
    store.publish('team-a', 'billing', policyFor('team-a', 'billing', { maxTokensPerRequest: 51 }));
    assert.deepEqual(
      (await Promise.all(held)).map((r) => r.status),
      [200, 200, 200],
    );
    assert.deepEqual(
      fanouts.map((f) => f.answered),
      [1, 2],
    );
  });

  it('refuses polls beyond the bound with 503 and Retry-After, and ends held polls on shutdown', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 5 }),
    );
    const held = [1, 2, 3].map(() => fetch(`${base}/team-a/support?after=${version}`));
    while (longPoll.waiting < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await fetch(`${base}/team-a/support?after=${version}`);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.match(
      ((await refused.json()) as { error: { message: string } }).error.message,
      /already holds 3 policy long-polls, its limit \(--max-long-poll-waiters 3\)/,
    );
    longPoll.endAll();
    const statuses = (await Promise.all(held)).map((r) => r.status);
    assert.deepEqual(statuses, [304, 304, 304]);
    assert.equal(longPoll.waiting, 0);
  });

  it('forgets a poll whose client went away', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 6 }),
    );
    const abort = new AbortController();
    const pending = fetch(`${base}/team-a/support?after=${version}`, { signal: abort.signal }).catch(
      () => 'aborted',
    );
    while (longPoll.waiting === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    abort.abort();
    assert.equal(await pending, 'aborted');
    for (let i = 0; i < 100 && longPoll.waiting > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(longPoll.waiting, 0);
  });

  it('streams a watch: the version at once, a line per change, the end when the hold ends', async () => {
    const first = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 60 }),
    );
    const began = performance.now();
    const response = await fetch(`${base}/team-a/support?after=1&watch=true`);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'application/x-ndjson');
    const read = lines(response);
    assert.equal((await read.next()).value?.version, first.version);
    assert.equal(longPoll.waiting, 1, 'the stream is held');
    fanouts.length = 0;
    const second = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 61 }),
    );
    const line = (await read.next()).value;
    assert.equal(line?.version, second.version);
    assert.equal(line?.reasoning.maxTokensPerRequest, 61);
    // The same content again keeps the version: no line.
    store.publish('team-a', 'support', policyFor('team-a', 'support', { maxTokensPerRequest: 61 }));
    const third = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 62 }),
    );
    assert.equal((await read.next()).value?.version, third.version);
    assert.deepEqual(
      fanouts.map((f) => f.answered),
      [1, 1],
    );
    assert.equal((await read.next()).done, true, 'the stream ends');
    assert.ok(performance.now() - began >= 250, 'held for about the long-poll time');
    assert.equal(longPoll.waiting, 0);
  });

  it('streams nothing until a change when the watcher holds the current version', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 70 }),
    );
    const response = await fetch(`${base}/team-a/support?after=${version}&watch=true`);
    assert.equal(response.status, 200, 'headers come at once');
    const read = lines(response);
    const next = read.next();
    const changed = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 71 }),
    );
    assert.equal((await next).value?.version, changed.version);
    assert.equal((await read.next()).done, true);
  });

  it('counts streams among the waiters, refuses past the bound and ends them on shutdown', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 80 }),
    );
    const held = await Promise.all(
      [1, 2, 3].map(() => fetch(`${base}/team-a/support?after=${version}&watch=true`)),
    );
    while (longPoll.waiting < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    const refused = await fetch(`${base}/team-a/support?after=${version}&watch=true`);
    assert.equal(refused.status, 503);
    await refused.body?.cancel();
    longPoll.endAll();
    for (const response of held) assert.equal((await lines(response).next()).done, true);
    assert.equal(longPoll.waiting, 0);
  });

  it('forgets a stream whose client went away', async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 90 }),
    );
    const abort = new AbortController();
    const response = await fetch(`${base}/team-a/support?after=${version}&watch=true`, {
      signal: abort.signal,
    });
    assert.equal(longPoll.waiting, 1);
    abort.abort();
    await response.body?.cancel().catch(() => undefined);
    for (let i = 0; i < 100 && longPoll.waiting > 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(longPoll.waiting, 0);
  });

  it("keeps a pipelined watch's lines behind the answer before it on the connection", async () => {
    const { version } = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 100 }),
    );
    const socket = connect(Number(new URL(base).port), '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    const closed = new Promise((resolve) => socket.on('close', resolve));
    // A held poll, then a watch on the same connection before the poll is answered.
    socket.write(
      `GET /team-a/support?after=${version} HTTP/1.1\r\nHost: x\r\n\r\n` +
        `GET /team-a/support?after=${version}&watch=true HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    for (let i = 0; i < 200 && longPoll.waiting < 2; i++) await new Promise((r) => setTimeout(r, 5));
    assert.equal(longPoll.waiting, 2, 'the poll and the watch are held');
    const second = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 101 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const third = store.publish(
      'team-a',
      'support',
      policyFor('team-a', 'support', { maxTokensPerRequest: 102 }),
    );
    await closed;
    const text = Buffer.concat(received).toString('utf8');
    const [poll, rest] = splitHead(text);
    assert.match(poll.head, /^HTTP\/1\.1 200/);
    const length = Number(/content-length: (\d+)/i.exec(poll.head)?.[1]);
    assert.equal(JSON.parse(rest.slice(0, length)).version, second.version, 'the poll is answered first');
    const [watch, body] = splitHead(rest.slice(length));
    assert.match(watch.head, /^HTTP\/1\.1 200/);
    assert.match(watch.head, /transfer-encoding: chunked/i);
    assert.deepEqual(
      dechunk(body)
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).version),
      [second.version, third.version],
      "the watch's lines, whole, after the poll's answer",
    );
  });
});

/** An HTTP/1.1 message's head and what follows it. */
function splitHead(text: string): [{ head: string }, string] {
  const end = text.indexOf('\r\n\r\n');
  assert.ok(end >= 0, `a message head in ${JSON.stringify(text.slice(0, 200))}`);
  return [{ head: text.slice(0, end) }, text.slice(end + 4)];
}

/** The data of a chunked body (RFC 9112, 7.1), which must end with its last chunk. */
function dechunk(body: string): string {
  let data = '';
  let at = 0;
  for (;;) {
    const lineEnd = body.indexOf('\r\n', at);
    assert.ok(lineEnd >= 0, 'a chunk size line');
    const size = Number.parseInt(body.slice(at, lineEnd), 16);
    assert.ok(Number.isInteger(size), `a chunk size in hex, not ${JSON.stringify(body.slice(at, lineEnd))}`);
    if (size === 0) return data;
    data += body.slice(lineEnd + 2, lineEnd + 2 + size);
    assert.equal(body.slice(lineEnd + 2 + size, lineEnd + 4 + size), '\r\n', 'a chunk ends with CRLF');
    at = lineEnd + 4 + size;
  }
}

/** The policies a watch streams, one a line, until it ends. */
async function* lines(
  response: Response,
): AsyncGenerator<{ version: string; reasoning: { maxTokensPerRequest: number } }> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk, { stream: true });
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n')) {
      yield JSON.parse(text.slice(0, end));
      text = text.slice(end + 1);
    }
  }
}
