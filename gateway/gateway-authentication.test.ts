// The gateway's authentication with the TokenReview answers and pods given as data; the real API
// server's reviews of pod-bound tokens are in e2e/gateway/gateway.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AGENT_LABEL } from '../apis/group-version.js';
import type { TokenReviewStatus } from '../sidecar-services/token-authenticator.js';
import { GatewayAuthentication } from './gateway-authentication.js';

const review = (pod: string, uid: string): TokenReviewStatus => ({
  authenticated: true,
  audiences: ['agent-governor-gateway'],
  user: {
    username: 'system:serviceaccount:team-a:support-sa',
    extra: {
      'authentication.kubernetes.io/pod-name': [pod],
      'authentication.kubernetes.io/pod-uid': [uid],
    },
  },
});

function gateway(
  podsByName: Map<string, { uid: string; labels: Record<string, string> }>,
  cacheMs?: number,
  now?: () => number,
) {
  const asked: { audiences: readonly string[] }[] = [];
  let podReads = 0;
  const auth = new GatewayAuthentication({
    review: async (_token, audiences) => {
      asked.push({ audiences });
      return review('support-0', 'u1');
    },
    kube: {
      get: (async (_resource: unknown, key: { name: string }) => {
        podReads++;
        const pod = podsByName.get(key.name);
        return pod && { metadata: { name: key.name, uid: pod.uid, labels: pod.labels } };
      }) as never,
      create: (async () => undefined) as never,
    },
    ...(cacheMs !== undefined ? { cacheMs } : {}),
    ...(now ? { now } : {}),
  });
  return { auth, asked, podReads: () => podReads };
}

describe('GatewayAuthentication', () => {
  it('takes the Anthropic SDK’s x-api-key, asks for the gateway audience and names the pod’s agent', async () => {
    const { auth, asked } = gateway(
      new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]),
    );
    const caller = await auth.authenticate({ 'x-api-key': 'tok' });
    assert.deepEqual(caller, {
      ok: true,
      agent: { namespace: 'team-a', name: 'support' },
      token: 'tok',
      cached: false,
    });
    assert.deepEqual(asked, [{ audiences: ['agent-governor-gateway'] }]);
  });

  it('reviews a token and reads its pod once while cached', async () => {
    const g = gateway(new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]));
    await g.auth.authenticate({ authorization: 'Bearer tok' });
    const again = await g.auth.authenticate({ authorization: 'Bearer tok' });
    assert.ok(again.ok && again.cached);
    assert.equal(g.auth.reviews, 1);
    assert.equal(g.podReads(), 1);
  });

  it('remembers an accepted caller by key and named agent only while its review and pod are trusted', async () => {
    const pods = new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]);
    const g = gateway(pods, 400);
    const first = await g.auth.authenticate({ authorization: 'Bearer tok' });
    assert.ok(first.ok && !first.cached);
    assert.deepEqual(await g.auth.authenticate({ authorization: 'Bearer tok' }), {
      ok: true,
      agent: { namespace: 'team-a', name: 'support' },
      token: 'tok',
      cached: true,
    });
    // Another agent named with the same key is judged afresh (and refused), not taken from memory.
    const other = await g.auth.authenticate({ authorization: 'Bearer tok', 'x-governor-agent': 'writer' });
    assert.ok(!other.ok && other.error.status === 403);
    assert.equal(g.podReads(), 1);
    pods.delete('support-0');
    await new Promise((resolve) => setTimeout(resolve, 450));
    const after = await g.auth.authenticate({ authorization: 'Bearer tok' });
    assert.ok(!after.ok && after.error.status === 401, 'the deleted pod is seen once its trust ends');
    assert.equal(g.auth.reviews, 2);
    assert.equal(g.podReads(), 2);
  });

  it('answers a remembered caller at once, and only the caller whose whole key it remembers', async () => {
    const g = gateway(new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]));
    // Two keys that end alike share a memory slot: each is still taken for itself.
    const tail = 'x'.repeat(40);
    const first = { authorization: `Bearer first-${tail}` };
    const second = { authorization: `Bearer second-${tail}` };
    await g.auth.authenticate(first);
    const again = g.auth.authenticate(first);
    assert.ok(!(again instanceof Promise), 'a remembered caller needs no promise');
    assert.ok(again.ok && again.token === `first-${tail}`);
    const other = g.auth.authenticate(second);
    assert.ok(other instanceof Promise, 'a key with the same tail is not taken from memory');
    const otherCaller = await other;
    assert.ok(otherCaller.ok && otherCaller.token === `second-${tail}`);
    const back = await g.auth.authenticate(first);
    assert.ok(back.ok && back.token === `first-${tail}`);
    assert.equal(g.auth.reviews, 2, 'the review of each token is still cached');
  });

  it('re-checks a busy caller in the background past half its trust, answering it from memory meanwhile', async () => {
    const pods = new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]);
    let clock = 0;
    const g = gateway(pods, 10_000, () => clock);
    const key = { authorization: 'Bearer tok' };
    await g.auth.authenticate(key);
    clock = 3_000;
    assert.ok(!(g.auth.authenticate(key) instanceof Promise));
    assert.equal(g.auth.reviews, 1, 'no re-check before half the trust');
    clock = 6_000;
    const near = g.auth.authenticate(key);
    assert.ok(!(near instanceof Promise) && near.ok, 'answered from memory while re-checked');
    assert.ok(!(g.auth.authenticate(key) instanceof Promise));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(g.auth.reviews, 2, 'one fresh review, not one per call');
    assert.equal(g.podReads(), 2, 'and one fresh pod read');
    clock = 10_500;
    assert.ok(!(g.auth.authenticate(key) instanceof Promise), 'renewed past the first trust');
    assert.equal(g.auth.reviews, 2);
    // The pod is deleted: the next re-check forgets the caller, whose next call is refused.
    pods.delete('support-0');
    clock = 11_500;
    assert.ok(!(g.auth.authenticate(key) instanceof Promise));
    await new Promise((resolve) => setImmediate(resolve));
    const after = await g.auth.authenticate(key);
    assert.ok(!after.ok && after.error.status === 401 && /no longer exists/.test(after.error.message));
  });

  it('reads the pod of many concurrent calls once', async () => {
    const g = gateway(new Map([['support-0', { uid: 'u1', labels: { [AGENT_LABEL]: 'support' } }]]));
    const callers = await Promise.all(
      Array.from({ length: 8 }, () => g.auth.authenticate({ authorization: 'Bearer tok' })),
    );
    assert.ok(callers.every((caller) => caller.ok));
    assert.equal(g.auth.reviews, 1);
    assert.equal(g.podReads(), 1);
  });

  it('refuses a token whose pod is gone, or was replaced by another of the same name', async () => {
    for (const pods of [
      new Map(),
      new Map([['support-0', { uid: 'u2', labels: { [AGENT_LABEL]: 'support' } }]]),
    ]) {
      const caller = await gateway(pods).auth.authenticate({ authorization: 'Bearer tok' });
      assert.ok(!caller.ok && caller.error.status === 401 && /no longer exists/.test(caller.error.message));
    }
  });

  it('answers 401 naming the token file without a key', async () => {
    const caller = gateway(new Map()).auth.authenticate({});
    assert.ok(!(caller instanceof Promise));
    assert.ok(
      !caller.ok && caller.error.status === 401 && /AGENT_GOVERNOR_TOKEN_FILE/.test(caller.error.message),
    );
  });
});
