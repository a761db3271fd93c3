import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { abortError, UpstreamExchange } from './upstream-exchange.js';

// An upstream that answers /json with one JSON body, /big with 64 chunks of 1 KiB (as the socket
// takes them), /endless with a 1 KiB chunk every 5 ms for ever, and /hang never.
describe('UpstreamExchange', () => {
  let server: Server;
  let origin: string;
  const agent = new Agent();
  before(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': 'req_1' });
        res.end('{"ok":true}');
      } else if (req.url === '/big') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        let i = 0;
        const more = () => {
          while (i < 64) {
            i++;
            if (!res.write(Buffer.alloc(1024, 97))) return void res.once('drain', more);
          }
          res.end();
        };
        more();
      } else if (req.url === '/endless') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const timer = setInterval(() => res.write(Buffer.alloc(1024, 98)), 5);
        res.once('close', () => clearInterval(timer));
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await agent.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const exchange = (path: string) =>
    new UpstreamExchange().start(agent, { origin, path, method: 'POST', body: '{}' });

  it('gives the head, then the whole body', async () => {
    const x = exchange('/json');
    const head = await x.head;
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-type'], 'application/json');
    assert.equal(head.headers['x-request-id'], 'req_1');
    assert.equal((await x.whole()).toString(), '{"ok":true}');
  });

  it('reads a stream chunk by chunk to its end, every byte once', async () => {
    const x = exchange('/big');
    await x.head;
    let bytes = 0;
    for (let chunk = await x.next(); chunk !== undefined; chunk = await x.next()) bytes += chunk.length;
    assert.equal(bytes, 64 * 1024);
  });

  it('cuts a body at the limit it is read with', async () => {
    const x = exchange('/endless');
    await x.head;
    const bytes = await x.whole(4096);
    assert.ok(bytes.length >= 4096 && bytes.length < 8192, `read ${bytes.length} bytes`);
  });

  it('rejects what is pending with the reason it is aborted for', async () => {
    const x = exchange('/hang');
    x.abort(abortError('no answer within 50 ms'));
    await assert.rejects(x.head, /no answer within 50 ms/);
  });

  it('ends a stream the reader cancels', async () => {
    const x = exchange('/endless');
    await x.head;
    assert.ok(await x.next());
    x.abort(abortError('the agent closed the connection'));
    await assert.rejects(async () => {
      for (;;) if ((await x.next()) === undefined) break;
    }, /the agent closed the connection/);
  });
});
