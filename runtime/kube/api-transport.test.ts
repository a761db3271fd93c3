// The transport against a loopback HTTP server that answers the way the API server does (and the
// ways it fails): Status errors, deadlines, aborts, streaming with an idle timeout, fresh credentials.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ApiError } from './api-error.js';
import { ApiTransport } from './api-transport.js';

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

describe('ApiTransport', () => {
  let server: Server;
  let handler: Handler = (_request, response) => response.end('{}');
  let transport: ApiTransport;
  let tokens = 0;

  before(async () => {
    server = createServer((request, response) => handler(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    transport = new ApiTransport({
      server: `http://127.0.0.1:${port}`,
      tls: { rejectUnauthorized: true },
      credentials: async () => ({ headers: { authorization: `Bearer token-${++tokens}` } }),
      namespace: 'default',
      source: 'test',
    });
  });

  after(async () => {
    await transport.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends JSON with fresh credentials and the query, and parses the answer', async () => {
    let seen: { auth?: string; url?: string; type?: string; body: string } = { body: '' };
    handler = (request, response) => {
      let body = '';
      request.on('data', (chunk) => {
        body += chunk;
      });
      request.on('end', () => {
        seen = {
          auth: request.headers.authorization,
          url: request.url,
          type: request.headers['content-type'],
          body,
        };
        response.end(JSON.stringify({ kind: 'ConfigMap', metadata: { name: 'x' } }));
      });
    };
    const answer = await transport.json<{ kind: string }>({
      method: 'PATCH',
      path: '/api/v1/namespaces/a/configmaps/x',
      query: { fieldManager: 'me', force: undefined },
      body: { data: { a: '1' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(answer.kind, 'ConfigMap');
    assert.equal(seen.url, '/api/v1/namespaces/a/configmaps/x?fieldManager=me');
    assert.equal(seen.type, 'application/merge-patch+json');
    assert.equal(seen.body, '{"data":{"a":"1"}}');
    const before = tokens;
    await transport.json({ method: 'GET', path: '/x' });
    assert.equal(tokens, before + 1, 'credentials are asked for per request');
  });

  it('turns a Status answer into an ApiError naming the request', async () => {
    handler = (_request, response) => {
      response.writeHead(409, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          kind: 'Status',
          code: 409,
          reason: 'Conflict',
          message: 'the object has been modified',
        }),
      );
    };
    await assert.rejects(
      transport.json({ method: 'PUT', path: '/x', body: {}, describe: 'update leases a/b' }),
      (err: Error) => {
        assert.ok(err instanceof ApiError);
        assert.equal(err.status, 409);
        assert.equal(err.reason, 'Conflict');
        assert.equal(err.message, 'update leases a/b: 409 Conflict: the object has been modified');
        return true;
      },
    );
  });

  it('quotes an answer that is not a Status', async () => {
    handler = (_request, response) => {
      response.writeHead(502);
      response.end('bad gateway from a proxy');
    };
    await assert.rejects(
      transport.json({ method: 'GET', path: '/x' }),
      /GET \/x: 502: bad gateway from a proxy/,
    );
  });

  it('gives up at the deadline with status 0', async () => {
    handler = () => {}; // never answers
    await assert.rejects(transport.json({ method: 'GET', path: '/slow', timeoutMs: 100 }), (err: Error) => {
      assert.ok(err instanceof ApiError);
      assert.equal(err.status, 0);
      assert.match(err.message, /GET \/slow: no answer from the API server: no answer within 0.1 s/);
      return true;
    });
  });

  it("rejects with the caller's abort reason, before or during the request", async () => {
    handler = () => {};
    const reason = new Error('leadership ended: test');
    await assert.rejects(
      transport.json({ method: 'GET', path: '/x', signal: AbortSignal.abort(reason) }),
      reason,
    );
    const controller = new AbortController();
    const pending = transport.json({ method: 'GET', path: '/x', signal: controller.signal });
    setTimeout(() => controller.abort(reason), 50);
    await assert.rejects(pending, reason);
  });

  it('streams chunks until the server ends, and fails a stream that goes silent', async () => {
    handler = (_request, response) => {
      response.write('{"a":1}\n');
      setTimeout(() => response.end('{"b":2}\n'), 50);
    };
    let text = '';
    for await (const chunk of await transport.stream({
      method: 'GET',
      path: '/watch',
      idleTimeoutMs: 5_000,
    })) {
      text += chunk.toString();
    }
    assert.equal(text, '{"a":1}\n{"b":2}\n');

    handler = (_request, response) => {
      response.write('{"a":1}\n'); // then nothing
    };
    const silent = await transport.stream({
      method: 'GET',
      path: '/watch',
      idleTimeoutMs: 200,
      describe: 'watch configmaps',
    });
    await assert.rejects(
      (async () => {
        for await (const _chunk of silent) {
        }
      })(),
      /watch configmaps: no answer from the API server: no answer within 0.2 s/,
    );
  });
});
