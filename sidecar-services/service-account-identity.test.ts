import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearerToken, serviceAccountOf, tokenExpiryMs } from './service-account-identity.js';

describe('serviceAccountOf', () => {
  it('reads namespace and name of a ServiceAccount user', () =>
    assert.deepEqual(serviceAccountOf('system:serviceaccount:team-a:support-agent'), {
      namespace: 'team-a',
      serviceAccount: 'support-agent',
      username: 'system:serviceaccount:team-a:support-agent',
    }));
  it('reads the pod a bound token belongs to from the review’s extra', () =>
    assert.deepEqual(
      serviceAccountOf('system:serviceaccount:team-a:support', {
        'authentication.kubernetes.io/pod-name': ['support-0'],
        'authentication.kubernetes.io/pod-uid': ['u-1'],
      })?.pod,
      { name: 'support-0', uid: 'u-1' },
    ));
  it('names no pod for a token bound to none', () =>
    assert.equal(serviceAccountOf('system:serviceaccount:team-a:support', {})?.pod, undefined));
  for (const username of [
    undefined,
    'alice',
    'system:serviceaccount:team-a',
    'system:serviceaccount::x',
    'system:serviceaccount:a:b:c',
    'system:node:n1',
  ]) {
    it(`is undefined for ${JSON.stringify(username)}`, () =>
      assert.equal(serviceAccountOf(username), undefined));
  }
});

describe('tokenExpiryMs', () => {
  const jwt = (claims: unknown) =>
    `${Buffer.from('{"alg":"RS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
  it('reads exp of a JWT in milliseconds', () =>
    assert.equal(tokenExpiryMs(jwt({ exp: 1_900_000_000 })), 1_900_000_000_000));
  it('is undefined without exp', () => assert.equal(tokenExpiryMs(jwt({ sub: 'x' })), undefined));
  it('is undefined for a token that is not a JWT', () => assert.equal(tokenExpiryMs('garbage'), undefined));
  it('is undefined for a payload that is not JSON', () => assert.equal(tokenExpiryMs('a.b.c'), undefined));
});

describe('bearerToken', () => {
  const cases: [string | undefined, string | undefined][] = [
    ['Bearer abc.def', 'abc.def'],
    ['bearer abc', 'abc'],
    ['Bearer  abc ', 'abc'],
    ['Basic abc', undefined],
    ['Bearer', undefined],
    ['Bearer a b', undefined],
    [undefined, undefined],
  ];
  for (const [header, token] of cases) {
    it(`reads ${JSON.stringify(header)} as ${JSON.stringify(token)}`, () =>
      assert.equal(bearerToken(header), token));
  }
});
