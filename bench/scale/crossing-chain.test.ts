import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainLinks, describeChain, describePublish, followChain, publishTimes } from './crossing-chain.js';

describe('chainLinks', () => {
  it('measures each link from the crossing, one seen before it at 0, one never seen as undefined', () => {
    const seen = new Map([
      ['budget', { sentAt: 1_080, at: 1_120 }],
      ['mirror', { sentAt: 1_350, at: 1_390 }],
      ['mirrors', { sentAt: 1_400, at: 1_450 }],
      ['replica-0', { sentAt: 980, at: 990 }],
    ]);
    const links = chainLinks(1_000, seen, 2);
    assert.deepEqual(links, {
      budget: { ms: 120, sentMs: 80 },
      mirror: { ms: 390, sentMs: 350 },
      mirrors: { ms: 450, sentMs: 400 },
      replicas: [{ ms: 0, sentMs: 0 }, undefined],
    });
    assert.equal(
      describeChain(links),
      "budget status 120 ms (read sent at 80) → mirror 390 ms (read sent at 350) (every agent's 450 ms (read sent at 400)) → replicas 0 ms (read sent at 0) / never",
    );
  });
});

describe('followChain', () => {
  it('reads each link until it shows the phase, and no further', async () => {
    const reads = { budget: 0, mirror: 0, mirrors: 0, replica: 0 };
    const shows = (link: keyof typeof reads, from: number) => async () =>
      ++reads[link] >= from ? 'Warning' : 'Active';
    const chain = followChain(
      {
        budget: shows('budget', 2),
        mirror: shows('mirror', 3),
        mirrors: shows('mirrors', 4),
        replicas: [shows('replica', 1)],
      },
      'Warning',
      1,
    );
    const crossedAt = performance.now();
    while (reads.budget < 2 || reads.mirror < 3 || reads.mirrors < 4 || reads.replica < 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, 20)); // would a link read again?
    const links = await chain.stop(crossedAt);
    assert.deepEqual(reads, { budget: 2, mirror: 3, mirrors: 4, replica: 1 });
    assert.ok(links.budget !== undefined && links.mirror !== undefined && links.mirrors !== undefined);
    assert.equal(links.replicas.length, 1);
  });

  it('leaves a link that never showed the phase undefined, and a failed read is retried', async () => {
    let failed = 0;
    const chain = followChain(
      {
        budget: async () => {
          failed++;
          throw new Error('the API server is away');
        },
        mirror: async () => undefined,
        mirrors: async () => undefined,
        replicas: [],
      },
      'Exhausted',
      1,
    );
    await new Promise((resolve) => setTimeout(resolve, 20));
    const links = await chain.stop(performance.now());
    assert.ok(failed > 1);
    assert.deepEqual(links, { replicas: [] });
  });
});

describe('publishTimes', () => {
  it("takes the agents' versions as publish times: the first and the last from the crossing", () => {
    const times = publishTimes(1_700_000_000_000, ['1700000000120', '1700000000045', '1700000000120']);
    assert.deepEqual(times, { firstMs: 45, lastMs: 120 });
    assert.equal(describePublish(times), "published 45 / 120 ms after it (first / last agent's version)");
  });

  it('says so when no version is known', () => {
    assert.equal(publishTimes(1_000, ['', 'x']), undefined);
    assert.equal(describePublish(undefined), 'no holder got it by a policy');
  });
});
