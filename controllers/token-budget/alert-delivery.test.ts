import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { deliverAlert } from './alert-delivery.js';
import { verifyAlertSignature } from './alert-signature.js';

describe('deliverAlert (against a receiver on 127.0.0.1)', () => {
  /** Status codes the receiver answers, in order; 200 once they run out. */
  let script: number[] = [];
  const seen: { headers: IncomingHttpHeaders; body: string }[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(script.shift() ?? 200).end();
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const now = () => new Date('2025-03-11T15:00:00Z');
  const send = (extra: { attempts?: number; secret?: string } = {}) =>
    deliverAlert({ url, body: '{"kind":"BudgetAlert"}', id: 'ns/b/p/75', now, firstBackoffMs: 1, ...extra });

  it('posts the signed body once when the receiver accepts it', async () => {
    script = [];
    seen.length = 0;
    const outcome = await send({ secret: 's3cret' });
    assert.deepEqual(outcome, { delivered: true, status: 200, attempts: 1 });
    assert.equal(seen.length, 1);
    const headers = Object.fromEntries(
      Object.entries(seen[0]?.headers ?? {}).map(([k, v]) => [k, String(v)]),
    );
    assert.equal(headers['x-governor-alert-id'], 'ns/b/p/75');
    assert.ok(verifyAlertSignature(seen[0]?.body ?? '', headers, 's3cret', now()));
  });

  it('retries 503 and 429 with backoff until delivered', async () => {
    script = [503, 429];
    seen.length = 0;
    assert.deepEqual(await send(), { delivered: true, status: 200, attempts: 3 });
    assert.equal(seen.length, 3);
  });

  it('gives up after the bounded number of attempts', async () => {
    script = [500, 500, 500, 500];
    seen.length = 0;
    assert.deepEqual(await send({ attempts: 3 }), { delivered: false, attempts: 3, problem: 'HTTP 500' });
    assert.equal(seen.length, 3);
  });

  it('does not retry a refusal (400)', async () => {
    script = [400];
    seen.length = 0;
    assert.deepEqual(await send(), { delivered: false, attempts: 1, problem: 'HTTP 400' });
    assert.equal(seen.length, 1);
  });

  it('reports an unreachable receiver after its attempts', async () => {
    const outcome = await deliverAlert({
      url: 'http://127.0.0.1:1/hook',
      body: '{}',
      id: 'x',
      now,
      attempts: 2,
      firstBackoffMs: 1,
    });
    assert.equal(outcome.delivered, false);
    assert.equal(outcome.attempts, 2);
  });
});
