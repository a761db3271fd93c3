import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { BudgetLeaseAnswer } from '../../apis/budget-lease.js';
import { Agent } from '../http/undici-parts.js';
import { BudgetGate, type GateRequest } from './budget-gate.js';
import { BudgetLeases } from './budget-leases.js';
import { NEXT_MIDNIGHT, policy, T0 } from './testdata/policies.js';

/** The services as a small scripted server: each ask is recorded and answered by `answer`. */
let server: Server;
let url = '';
const asks: Record<string, unknown>[] = [];
/** TCP connections the services accepted. */
let connections = 0;
let answer: (body: Record<string, unknown>) => { status: number; body: unknown; delayMs?: number } = () => ({
  status: 500,
  body: {},
});

before(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => {
      const body = JSON.parse(text) as Record<string, unknown>;
      asks.push({ ...body, authorization: req.headers.authorization, path: req.url });
      const { status, body: out, delayMs } = answer(body);
      setTimeout(
        () => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(out)),
        delayMs ?? 0,
      );
    });
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A call with a worst case of 300 tokens. */
function call(i: number): GateRequest {
  return {
    api: 'chat.completions',
    model: 'gpt-4o',
    traceId: `t${i}`,
    estimatedInputTokens: 100,
    worstCaseOutputTokens: 200,
  };
}

function granted(tokens: number, counted = 0): BudgetLeaseAnswer {
  return {
    leases: [
      {
        budget: 'team-a/daily',
        grantedTokens: tokens,
        expiresInMs: 5_000,
        countedTokens: counted,
        holders: 1,
        periodEnd: NEXT_MIDNIGHT,
      },
    ],
    unleased: [],
  };
}

/** `timeoutMs`: how long an ask may take; generous unless a test is about slow answers (CI machines are loaded). */
function keeper(timeoutMs = 10_000, dispatcher = new Agent()) {
  const clock = { now: T0 };
  const gate = new BudgetGate({ now: () => clock.now });
  gate.setPolicy(policy());
  const errors: string[] = [];
  const leases = new BudgetLeases({
    gate,
    agent: { namespace: 'team-a', name: 'support-bot' },
    transport: { servicesUrl: url, dispatcher, token: async () => 'the-token', timeoutMs },
    now: () => clock.now,
    tickMs: 60_000,
    onError: (err) => errors.push(err.message),
  });
  const ledger = gate.leasable()[0];
  assert.ok(ledger);
  return { clock, gate, leases, ledger, errors, dispatcher };
}

describe('BudgetLeases', () => {
  it('asks on start, holds the slice, reports the running total and gives the slice back on stop', async () => {
    asks.length = 0;
    answer = () => ({ status: 200, body: granted(600, 300) });
    const { leases, ledger, gate, dispatcher } = keeper();
    leases.start();
    await leases.settled();
    assert.equal(asks[0]?.['path'], '/v1/budget-leases');
    assert.equal(asks[0]?.['authorization'], 'Bearer the-token');
    assert.deepEqual(asks[0]?.['budgets'], [
      {
        budget: 'team-a/daily',
        settledTokens: 0,
        reservedTokens: 0,
        ratePerSecond: 0,
        callTokens: 1_024,
        release: false,
      },
    ]);
    assert.equal(ledger.lease?.granted, 600);
    assert.equal(gate.snapshot()[0]?.usedTokens, 300, 'the services’ count is the budget’s usage');

    const admission = gate.admit(call(0));
    assert.equal(admission.kind, 'admit');
    if (admission.kind === 'admit') {
      gate.settle(admission.reservation, {
        usage: { inputTokens: 80, outputTokens: 20, cachedInputTokens: 0, estimated: false },
        model: 'gpt-4o',
      });
    }
    await leases.stop();
    const last = ((asks.at(-1)?.['budgets'] ?? []) as Record<string, unknown>[])[0];
    assert.equal(last?.['release'], true);
    assert.equal(last?.['settledTokens'], 100);
    assert.equal(ledger.lease, undefined);
    await dispatcher.close();
  });

  it('turns leases off when the services keep no lease books (501)', async () => {
    asks.length = 0;
    answer = () => ({ status: 501, body: { error: { message: 'budget leases need a shared usage store' } } });
    const { leases, ledger, errors, dispatcher } = keeper();
    leases.start();
    await leases.settled();
    assert.equal(ledger.lease, undefined);
    assert.match(errors[0] ?? '', /budget leases are off: budget leases need a shared usage store/);
    await leases.stop();
    assert.equal(asks.length, 1, 'nothing to give back');
    await dispatcher.close();
  });

  it('keeps limiting calls by the slice while the services are slow, and lets the local rule decide after two seconds', async () => {
    asks.length = 0;
    answer = () => ({ status: 200, body: granted(600) });
    const { leases, ledger, errors, clock, gate, dispatcher } = keeper(1_000);
    leases.start();
    await leases.settled();
    const kind = (i: number) => gate.admit(call(i)).kind;
    answer = () => ({ status: 200, body: granted(600), delayMs: 2_500 }); // past the 1 s timeout
    clock.now += 3_000; // past half the lease time: due
    gate.onSliceSpent?.('team-a/daily');
    await leases.settled();
    assert.match(errors[0] ?? '', /no answer within 1000 ms/);
    assert.deepEqual(
      [kind(1), kind(2), kind(3)],
      ['admit', 'admit', 'refuse'],
      'the 600-token slice still limits',
    );
    clock.now += 2_500; // failing for 2.5 s, the slice expired; the next ask fails too
    gate.onSliceSpent?.('team-a/daily');
    await leases.settled();
    assert.equal(ledger.lease, undefined, 'the local rule decides');
    assert.equal(kind(4), 'admit', '600 reserved of the 1,000-token budget: room for one more');
    assert.equal(errors.length, 1, 'one report per streak of failures');
    await leases.stop();
    await dispatcher.close();
  });

  it('lets a call refused for want of slice wait for the renewal it asked for, and not when none is coming', async () => {
    asks.length = 0;
    answer = () => ({ status: 200, body: granted(300) });
    const { leases, gate, dispatcher } = keeper();
    leases.start();
    await leases.settled();
    assert.equal(gate.admit(call(0)).kind, 'admit', 'the 300-token slice covers one call');
    answer = () => ({ status: 200, body: granted(600), delayMs: 200 });
    const refused = gate.admit(call(1));
    assert.equal(refused.kind, 'refuse');
    assert.equal(
      refused.kind === 'refuse' && refused.sliceShort,
      true,
      'the budget has room, the slice has not',
    );
    assert.equal(await gate.sliceRenewal?.(10_000), true, 'the refusal asked for a renewal at once');
    assert.equal(asks.length, 2);
    assert.equal(gate.admit(call(1)).kind, 'admit', 'admitted against the renewed slice');

    // Failing: the next ask waits out its pause, so a call short of slice is not held for nothing.
    answer = () => ({ status: 503, body: { error: { message: 'the usage store is not connected' } } });
    const spent = gate.admit(call(2));
    assert.equal(spent.kind === 'refuse' && spent.sliceShort, true);
    await leases.settled();
    gate.onSliceSpent?.('team-a/daily');
    // A wait of a minute would time the test out: false comes at once.
    assert.equal(await gate.sliceRenewal?.(60_000), false, 'no renewal in flight during the pause');
    await leases.stop();
    assert.equal(gate.sliceRenewal, undefined, 'a stopped keeper renews nothing');
    await dispatcher.close();
  });

  it('awaits a slow answer on its connection, asks nothing meanwhile, and holds the slice it grants', async () => {
    asks.length = 0;
    answer = () => ({ status: 200, body: granted(600) });
    // One connection, as a sidecar's pool would use while its asks come one at a time.
    const { leases, ledger, errors, clock, gate, dispatcher } = keeper(300, new Agent({ connections: 1 }));
    const connectionsBefore = connections;
    leases.start();
    await leases.settled();
    answer = () => ({ status: 200, body: granted(900), delayMs: 1_200 }); // past the 300-ms timeout
    clock.now += 3_000;
    gate.onSliceSpent?.('team-a/daily');
    await leases.settled();
    assert.match(errors[0] ?? '', /no answer within 300 ms/);
    gate.onSliceSpent?.('team-a/daily');
    assert.equal(asks.length, 2, 'no second ask while the slow one is still awaited');
    assert.equal(await gate.sliceRenewal?.(10_000), true);
    assert.equal(ledger.lease?.granted, 900, 'the late answer is held');
    answer = () => ({ status: 200, body: granted(700) });
    clock.now += 3_000;
    gate.onSliceSpent?.('team-a/daily');
    await leases.settled();
    assert.equal(ledger.lease?.granted, 700);
    assert.equal(connections - connectionsBefore, 1, 'every ask went over the one keep-alive connection');
    await leases.stop();
    await dispatcher.close();
  });

  it('lets the local rule decide at once when the services say they are away (503)', async () => {
    asks.length = 0;
    answer = () => ({ status: 200, body: granted(600) });
    const { leases, ledger, clock, gate, dispatcher } = keeper();
    leases.start();
    await leases.settled();
    answer = () => ({ status: 503, body: { error: { message: 'the usage store is not connected' } } });
    clock.now += 3_000;
    gate.onSliceSpent?.('team-a/daily');
    await leases.settled();
    assert.equal(ledger.lease?.failing, true);
    const kinds = [1, 2, 3].map((i) => gate.admit(call(i)).kind);
    assert.deepEqual(
      kinds,
      ['admit', 'admit', 'admit'],
      'beyond the slice: the 1,000-token local rule decides',
    );
    await leases.stop();
    await dispatcher.close();
  });
});
