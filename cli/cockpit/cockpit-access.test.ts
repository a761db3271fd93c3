import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApiRequest } from '../../runtime/kube/api-transport.js';
import { type Identity, NAMESPACE_READ, type Reviews, reviewToken, Sessions } from './cockpit-access.js';

/** The API server's review answers for one person who may read `team-a` only; records every review. */
function reviews(): Reviews & { asked: ApiRequest[] } {
  const asked: ApiRequest[] = [];
  return {
    asked,
    async json<T>(request: ApiRequest): Promise<T> {
      asked.push(request);
      const body = request.body as { kind: string; spec: Record<string, unknown> };
      if (body.kind === 'TokenReview') {
        const known = body.spec['token'] === 'good-token';
        return (
          known
            ? { status: { authenticated: true, user: { username: 'alice', groups: ['team-a'] } } }
            : { status: { authenticated: false, error: 'token expired' } }
        ) as T;
      }
      const attributes = body.spec['resourceAttributes'] as { namespace: string };
      return { status: { allowed: attributes.namespace === 'team-a' } } as T;
    },
  };
}

const alice: Identity = { username: 'alice', groups: ['team-a'] };

describe('cockpit access', () => {
  it('a TokenReview names the person, or says why not', async () => {
    const api = reviews();
    assert.deepEqual(await reviewToken(api, 'good-token'), { identity: alice });
    assert.deepEqual(await reviewToken(api, 'old-token'), {
      problem: 'the API server did not accept this token: token expired',
    });
    const [first] = api.asked;
    assert.ok(first, 'a TokenReview was posted');
    assert.equal(first.path, '/apis/authentication.k8s.io/v1/tokenreviews');
    assert.equal((first.body as { metadata?: unknown }).metadata, undefined, 'a review carries no metadata');
  });

  it('shows the namespaces a SubjectAccessReview allows, asks again only after the cache time', async () => {
    const api = reviews();
    let now = 0;
    const sessions = new Sessions(api, { accessCacheMs: 30_000, ttlMs: 3_600_000, now: () => now });
    const id = sessions.open(alice);
    assert.deepEqual(await sessions.namespaces(id, ['team-a', 'team-b']), ['team-a']);
    const sar = api.asked.find((r) => r.path.endsWith('/subjectaccessreviews'));
    assert.ok(sar, 'a SubjectAccessReview was posted');
    assert.deepEqual((sar.body as { spec: { resourceAttributes: unknown } }).spec.resourceAttributes, {
      namespace: 'team-a',
      ...NAMESPACE_READ,
    });
    assert.equal(api.asked.length, 2);
    now = 29_000;
    await sessions.namespaces(id, ['team-a', 'team-b']);
    assert.equal(api.asked.length, 2, 'cached');
    await sessions.namespaces(id, ['team-a', 'team-b', 'team-c']);
    assert.equal(api.asked.length, 5, 'other namespaces: asked again');
    now = 61_000;
    await sessions.namespaces(id, ['team-a', 'team-b', 'team-c']);
    assert.equal(api.asked.length, 8, 'after the cache time: asked again');
  });

  it('forgets a session at its end, on sign-out, and never knows a made-up id', () => {
    let now = 0;
    const sessions = new Sessions(reviews(), { ttlMs: 1_000, now: () => now });
    const id = sessions.open(alice);
    assert.deepEqual(sessions.identity(id), alice);
    assert.equal(sessions.identity('made-up'), undefined);
    assert.equal(sessions.identity(undefined), undefined);
    now = 1_000;
    assert.equal(sessions.identity(id), undefined);
    const other = sessions.open(alice);
    sessions.close(other);
    assert.equal(sessions.identity(other), undefined);
  });
});
