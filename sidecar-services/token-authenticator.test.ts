// The authenticator's own decisions (what a review means, how long it is trusted), with the
// TokenReview answers given as data; the real API server's reviews are in
// e2e/sidecar-services/authentication.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenAuthenticator, type TokenReviewStatus } from './token-authenticator.js';

const jwt = (expSeconds: number) =>
  `h.${Buffer.from(JSON.stringify({ exp: expSeconds })).toString('base64url')}.s`;

function authenticator(answers: (token: string) => TokenReviewStatus | Error, now = () => 1_000_000) {
  const asked: { token: string; audiences: readonly string[] }[] = [];
  const auth = new TokenAuthenticator({
    review: async (token, audiences) => {
      asked.push({ token, audiences });
      const answer = answers(token);
      if (answer instanceof Error) throw answer;
      return answer;
    },
    now,
  });
  return { auth, asked };
}

const serviceAccount: TokenReviewStatus = {
  authenticated: true,
  user: { username: 'system:serviceaccount:team-a:support' },
  audiences: ['agent-governor'],
};

describe('TokenAuthenticator', () => {
  it('asks for the agent-governor audience and reads the ServiceAccount', async () => {
    const { auth, asked } = authenticator(() => serviceAccount);
    const result = await auth.authenticate('Bearer t1');
    assert.deepEqual(asked, [{ token: 't1', audiences: ['agent-governor'] }]);
    assert.deepEqual(result, {
      ok: true,
      cached: false,
      identity: {
        namespace: 'team-a',
        serviceAccount: 'support',
        username: 'system:serviceaccount:team-a:support',
      },
      trustedMs: 30_000,
    });
  });

  it('trusts a positive review for a while, and shares one review among concurrent requests', async () => {
    const { auth, asked } = authenticator(() => serviceAccount);
    const results = await Promise.all([auth.authenticate('Bearer t1'), auth.authenticate('Bearer t1')]);
    const later = await auth.authenticate('Bearer t1');
    assert.equal(asked.length, 1);
    assert.ok(results.every((r) => r.ok));
    assert.equal(later.ok && later.cached, true);
  });

  it('never trusts a review beyond the expiry of the token', async () => {
    const nowMs = 1_000_000_000;
    const { auth, asked } = authenticator(
      () => serviceAccount,
      () => nowMs,
    );
    // Expired by our clock already (the API server said yes a moment before): not cached at all.
    const expired = await auth.authenticate(`Bearer ${jwt(nowMs / 1000 - 1)}`);
    await auth.authenticate(`Bearer ${jwt(nowMs / 1000 - 1)}`);
    assert.equal(asked.length, 2);
    assert.equal(expired.ok && expired.trustedMs, 0);
    // Expiring in 5 s: trusted for those 5 s, not the 30 s of the cache.
    const soon = await auth.authenticate(`Bearer ${jwt(nowMs / 1000 + 5)}`);
    assert.equal(soon.ok && soon.trustedMs, 5_000);
  });

  it('does not remember refusals: a token not yet trusted may be tomorrow', async () => {
    let trusted = false;
    const { auth } = authenticator(() =>
      trusted ? serviceAccount : { authenticated: false, error: 'token expired' },
    );
    const first = await auth.authenticate('Bearer t1');
    assert.equal(first.ok, false);
    if (!first.ok) {
      assert.equal(first.error.status, 401);
      assert.match(first.error.message, /not accepted by the API server: token expired/);
    }
    trusted = true;
    assert.equal((await auth.authenticate('Bearer t1')).ok, true);
  });

  it('reviews afresh when asked, and a fresh refusal outdates the cached review', async () => {
    let trusted = true;
    const { auth, asked } = authenticator(() =>
      trusted ? serviceAccount : { authenticated: false, error: 'pod deleted' },
    );
    await auth.authenticate('Bearer t1');
    assert.equal((await auth.authenticate('Bearer t1')).ok, true);
    assert.equal(asked.length, 1, 'the second answer is the cached review');
    trusted = false;
    assert.equal((await auth.authenticate('Bearer t1', true)).ok, false);
    assert.equal(asked.length, 2);
    assert.equal((await auth.authenticate('Bearer t1')).ok, false, 'the positive review is forgotten');
    assert.equal(asked.length, 3);
  });

  const refusals: [string, string | undefined, TokenReviewStatus | Error, number, RegExp][] = [
    ['no header', undefined, serviceAccount, 401, /missing bearer token.*audience agent-governor/],
    ['a Basic header', 'Basic dXNlcg==', serviceAccount, 401, /missing bearer token/],
    [
      'a token of another audience',
      'Bearer t',
      { ...serviceAccount, audiences: ['https://kubernetes.default.svc'] },
      401,
      /not for audience agent-governor \(it is for https:\/\/kubernetes.default.svc\)/,
    ],
    [
      'a user that is not a ServiceAccount',
      'Bearer t',
      { authenticated: true, user: { username: 'alice' } },
      403,
      /alice is not a ServiceAccount/,
    ],
    [
      'a failed review',
      'Bearer t',
      new Error('connect ECONNREFUSED'),
      503,
      /cannot be checked now .*ECONNREFUSED/,
    ],
  ];
  for (const [name, header, answer, status, message] of refusals) {
    it(`answers ${status} for ${name}`, async () => {
      const { auth } = authenticator(() => answer);
      const result = await auth.authenticate(header);
      assert.equal(result.ok, false);
      if (!result.ok) {
        assert.equal(result.error.status, status);
        assert.match(result.error.message, message);
        if (status === 503) assert.ok(result.error.retryAfterSeconds);
      }
    });
  }

  it('asks for every accepted audience and takes a token for any of them', async () => {
    const asked: (readonly string[])[] = [];
    const auth = new TokenAuthenticator({
      alsoAccepted: ['agent-governor-gateway'],
      review: async (_token, audiences) => {
        asked.push(audiences);
        return { ...serviceAccount, audiences: ['agent-governor-gateway'] };
      },
    });
    assert.equal((await auth.authenticate('Bearer t')).ok, true);
    assert.deepEqual(asked, [['agent-governor', 'agent-governor-gateway']]);
    const other = new TokenAuthenticator({
      alsoAccepted: ['agent-governor-gateway'],
      review: async () => ({ ...serviceAccount, audiences: ['vault'] }),
    });
    const refused = await other.authenticate('Bearer t');
    assert.equal(refused.ok, false);
    if (!refused.ok)
      assert.match(refused.error.message, /not for audience agent-governor or agent-governor-gateway/);
  });

  it('answers 503 instead of sending more than the allowed reviews at once', async () => {
    const release: (() => void)[] = [];
    const auth = new TokenAuthenticator({
      review: () => new Promise((resolve) => release.push(() => resolve(serviceAccount))),
      maxConcurrentReviews: 2,
    });
    const first = [auth.authenticate('Bearer a'), auth.authenticate('Bearer b')];
    const third = await auth.authenticate('Bearer c');
    assert.equal(third.ok, false);
    if (!third.ok) assert.equal(third.error.status, 503);
    for (const done of release) done();
    assert.ok((await Promise.all(first)).every((r) => r.ok));
    assert.equal((await auth.authenticate('Bearer a')).ok, true);
  });
});
