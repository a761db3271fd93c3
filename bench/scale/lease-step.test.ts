import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import { Agent } from '../../sidecar/http/undici-parts.js';
import { LeaseStep, type LeaseTally, leasePhase } from './lease-step.js';

/** The services as a small scripted server: each ask is recorded and answered with `answer`. */
let server: Server;
let url = '';
const asks: Array<{ holder: string; budgets: Array<Record<string, unknown>>; authorization?: string }> = [];
let answer: { status: number; body: unknown } = { status: 500, body: {} };
const dispatcher = new Agent();
const PERIOD_END = '2026-12-08T00:00:00Z';
const lease = (granted: number, counted: number) => ({
  status: 200,
  body: {
    leases: [
      {
        budget: 'ns/b',
        grantedTokens: granted,
        expiresInMs: 5_000,
        countedTokens: counted,
        holders: 1,
        periodEnd: PERIOD_END,
      },
    ],
  },
});

before(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      asks.push({ ...JSON.parse(text), authorization: req.headers.authorization });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await dispatcher.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function step(tally: LeaseTally, counts: number[]): LeaseStep {
  asks.length = 0;
  return new LeaseStep(
    'scale-pod-1',
    'ns/b',
    { namespace: 'ns', name: 'a' },
    { servicesUrl: url, dispatcher, token: async () => 'the-token' },
    tally,
    () => 100,
    (counted) => counts.push(counted),
  );
}

describe('LeaseStep', () => {
  it('spends within its slice, asks again with its running total when the slice runs low, and gives it back', async () => {
    const tally: LeaseTally = { asks: 0, answered: 0, failed: 0, late: 0, unsupported: 0 };
    const counts: number[] = [];
    const holder = step(tally, counts);
    answer = lease(1_000, 700);
    await holder.ask(performance.now(), false);
    assert.equal(asks[0]?.authorization, 'Bearer the-token');
    assert.deepEqual(asks[0]?.budgets[0], {
      budget: 'ns/b',
      settledTokens: 0,
      reservedTokens: 0,
      ratePerSecond: 0,
      callTokens: 100,
      release: false,
    });
    assert.equal(holder.limits(), true);
    assert.equal(holder.room(), 1_000);
    assert.deepEqual(counts, [700]);

    holder.spend(600); // 400 left, above two of the largest call: no ask
    assert.equal(tally.asks, 1);
    assert.equal(holder.used(), 1_300);
    holder.spend(300); // 100 left, under 200: asks at once with the total settled
    assert.equal(tally.asks, 2);
    await holder.ask(performance.now(), false); // the ask in flight
    assert.equal(asks.length, 2);
    assert.equal(asks[1]?.budgets[0]?.settledTokens, 900);
    assert.equal(holder.room(), 1_000);

    await holder.stop();
    assert.equal(asks.length, 3);
    assert.equal(asks[2]?.budgets[0]?.release, true);
    assert.deepEqual(tally, { asks: 3, answered: 2, failed: 0, late: 0, unsupported: 0 });
  });

  it('stops limiting at once when the services say they are away (503), naming the failure', async () => {
    const tally: LeaseTally = { asks: 0, answered: 0, failed: 0, late: 0, unsupported: 0 };
    const holder = step(tally, []);
    answer = lease(1_000, 0);
    await holder.ask(performance.now(), false);
    answer = { status: 503, body: { error: { message: 'the usage store is not connected' } } };
    await holder.ask(performance.now(), false);
    assert.equal(holder.limits(), false);
    assert.equal(tally.failed, 1);
    assert.match(tally.lastError ?? '', /answered 503: the usage store is not connected/);
    answer = lease(0, 0);
    await holder.stop();
  });
});

describe('leasePhase', () => {
  it("gives the sidecar's phase for the lease's count under the policy's limit and thresholds", () => {
    const budget = {
      name: 'ns/b',
      limitTokens: 1_000,
      thresholds: [{ percent: 75, actions: ['Alert'] }],
      phase: 'Active',
      actions: [],
    } as unknown as EffectiveBudget;
    assert.equal(leasePhase(budget, 100), 'Active');
    assert.equal(leasePhase(budget, 750), 'Warning');
    assert.equal(leasePhase(budget, 1_000), 'Exhausted');
  });
});
