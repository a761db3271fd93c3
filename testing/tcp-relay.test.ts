import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import { startTcpRelay, type TcpRelay } from './tcp-relay.js';

/** A TCP server answering each line with `<name>:<line>`, remembering the lines it got. */
async function namedServer(name: string): Promise<{ server: Server; url: string; got: string[] }> {
  const got: string[] = [];
  const server = createServer((socket) => {
    socket.setEncoding('utf8').on('data', (line: string) => {
      got.push(line);
      socket.write(`${name}:${line}`);
    });
    socket.on('error', () => undefined);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`, got };
}

/** Sends `line` through a new connection; resolves with the answer, or why there was none. */
function ask(url: string, line: string, waitMs = 300): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.write(line));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('(no answer)');
    }, waitMs);
    socket.setEncoding('utf8').once('data', (answer: string) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answer);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(`(${error.code})`);
    });
  });
}

describe('TCP relay', () => {
  const cleanup: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });
  const started = async (...names: string[]) => {
    const servers = await Promise.all(names.map(namedServer));
    for (const { server } of servers) cleanup.push(() => new Promise((r) => server.close(r)));
    const relay: TcpRelay = await startTcpRelay(servers.map((s) => s.url));
    cleanup.push(() => relay.close());
    return { servers, relay };
  };

  it('sends new connections to its targets in turn', async () => {
    const { relay } = await started('a', 'b');
    const answers = [];
    for (const line of ['1', '2', '3', '4']) answers.push(await ask(relay.url, line));
    assert.deepEqual(answers, ['a:1', 'b:2', 'a:3', 'b:4']);
    assert.equal(relay.connections, 4);
  });

  it('skips a target that refuses, and follows new targets', async () => {
    const { servers, relay } = await started('a', 'b');
    await new Promise((resolve) => servers[0]?.server.close(resolve));
    assert.deepEqual([await ask(relay.url, '1'), await ask(relay.url, '2')], ['b:1', 'b:2']);
    const c = await namedServer('c');
    cleanup.push(() => new Promise((r) => c.server.close(r)));
    relay.setTargets([c.url]);
    assert.equal(await ask(relay.url, '3'), 'c:3');
  });

  it('cut: resets open connections and refuses new ones until restored', async () => {
    const { relay } = await started('a');
    const { port } = new URL(relay.url);
    const held = connect(Number(port), '127.0.0.1');
    await once(held, 'connect');
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(relay.open, 1);
    const reset = once(held, 'error');
    relay.cut();
    assert.equal(((await reset)[0] as NodeJS.ErrnoException).code, 'ECONNRESET');
    assert.equal(await ask(relay.url, '1'), '(ECONNRESET)');
    relay.restore();
    assert.equal(await ask(relay.url, '2'), 'a:2');
  });

  it('resetSocket: closes a socket whose end() began, so the process can exit', () => {
    // In a process of its own: Node's resetAndDestroy() after end() fails with EINVAL and leaves
    // the handle open, which keeps a process running for ever (a target closing as a cut comes).
    const script = `
      import { createServer, connect } from 'node:net';
      import { once } from 'node:events';
      import { resetSocket } from ${JSON.stringify(new URL('./tcp-relay.js', import.meta.url).href)};
      const server = createServer((socket) => socket.on('error', () => {}));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const socket = connect(server.address().port, '127.0.0.1').on('error', (e) => console.error(e.code));
      await once(socket, 'connect');
      socket.end();
      resetSocket(socket);
      server.close();
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000 });
    assert.equal(run.status, 0, `the process ended (signal ${run.signal}): ${run.stderr}`);
  });

  it('loseAnswers: the target gets the request, the client never gets the answer', async () => {
    const { servers, relay } = await started('a');
    relay.loseAnswers();
    assert.equal(await ask(relay.url, 'lost'), '(no answer)');
    assert.deepEqual(servers[0]?.got, ['lost']);
    relay.cut();
    relay.restore();
    assert.equal(await ask(relay.url, 'next'), 'a:next', 'a cut ends the loss');
  });
});
