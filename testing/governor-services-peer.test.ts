import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { request } from 'undici';
import { effectivePolicy } from '../apis/effective-policy.js';
import { POLICY_VERSION_HEADER } from '../apis/sidecar-protocol.js';
import type { UsageBatch } from '../apis/usage-batch.js';
import { type GovernorServicesPeer, startGovernorServicesPeer } from './governor-services-peer.js';

const agent = { namespace: 'team-a', name: 'support-bot' };
const policy = (version: string) =>
  effectivePolicy.parse({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EffectivePolicy',
    agent,
    version,
    generatedAt: '2025-03-01T10:00:00Z',
  });
const batch = (sequence: number, inputTokens = 10): UsageBatch => ({
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'UsageBatch',
  agent,
  instance: 'pod-1',
  sequence,
  sentAt: '2025-03-01T10:00:02Z',
  entries: [
    {
      minute: '2025-03-01T10:00:00Z',
      model: 'gpt-4o',
      requests: 1,
      inputTokens,
      outputTokens: 1,
      cachedInputTokens: 0,
      estimatedTokens: 0,
      costMicros: 5,
      outcomes: { Success: 1 },
      latencyBuckets: new Array(14).fill(0),
    },
  ],
});

let peer: GovernorServicesPeer | undefined;
afterEach(() => peer?.close());

async function get(path: string, headers: Record<string, string> = {}) {
  const response = await request(`${peer!.url}${path}`, { headers });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

async function post(body: unknown, headers: Record<string, string> = {}) {
  const response = await request(`${peer!.url}/v1/usage`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, body: await response.body.text() };
}

describe('governor services peer', () => {
  it('answers a policy at once, then holds a long-poll until the version changes or the poll times out', async () => {
    peer = await startGovernorServicesPeer({ longPollMs: 100 });
    assert.equal((await get('/v1/policies/team-a/support-bot')).status, 404);
    peer.setPolicy(policy('1'));
    const first = await get('/v1/policies/team-a/support-bot');
    assert.equal(first.status, 200);
    assert.equal(first.headers[POLICY_VERSION_HEADER], '1');
    assert.equal(JSON.parse(first.body).version, '1');
    assert.equal((await get('/v1/policies/team-a/support-bot?after=1')).status, 304);
    const waiting = get('/v1/policies/team-a/support-bot?after=1');
    setTimeout(() => peer!.setPolicy(policy('2')), 20);
    const changed = await waiting;
    assert.equal(changed.status, 200);
    assert.equal(changed.headers[POLICY_VERSION_HEADER], '2');
  });

  it('records a usage batch once and acknowledges a resend as a duplicate', async () => {
    peer = await startGovernorServicesPeer();
    const first = await post(batch(1));
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(first.body), {
      instance: 'pod-1',
      acknowledgedSequence: 1,
      duplicate: false,
    });
    const again = await post(batch(1));
    assert.deepEqual(JSON.parse(again.body), { instance: 'pod-1', acknowledgedSequence: 1, duplicate: true });
    await post(batch(2, 5));
    assert.deepEqual(peer.totals('pod-1'), { requests: 2, inputTokens: 15, outputTokens: 2, costMicros: 10 });
    assert.deepEqual(peer.duplicates, [{ instance: 'pod-1', sequence: 1 }]);
  });

  it('refuses a malformed batch with an error naming the field', async () => {
    peer = await startGovernorServicesPeer();
    const bad = await post({ ...batch(1), sequence: 0 });
    assert.equal(bad.status, 400);
    assert.match(JSON.parse(bad.body).error.message, /^sequence: /);
    assert.equal((await post('{')).status, 400);
    assert.equal(peer.recorded.length, 0);
  });

  it('answers 503 with Retry-After as a follower', async () => {
    peer = await startGovernorServicesPeer({ followerRetryAfterSeconds: 2 });
    peer.role = 'follower';
    const answer = await post(batch(1));
    assert.equal(answer.status, 503);
    assert.equal(answer.headers['retry-after'], '2');
    assert.equal(peer.recorded.length, 0);
  });

  it('checks the bearer token and its namespace', async () => {
    peer = await startGovernorServicesPeer({ tokens: { good: 'team-a', other: 'team-b' } });
    peer.setPolicy(policy('1'));
    assert.equal((await get('/v1/policies/team-a/support-bot')).status, 401);
    assert.equal(
      (await get('/v1/policies/team-a/support-bot', { authorization: 'Bearer other' })).status,
      403,
    );
    assert.equal(
      (await get('/v1/policies/team-a/support-bot', { authorization: 'Bearer good' })).status,
      200,
    );
    assert.equal((await post(batch(1), { authorization: 'Bearer other' })).status, 403);
  });

  it('goes down and comes back on the same port, keeping what it recorded', async () => {
    peer = await startGovernorServicesPeer();
    await post(batch(1));
    const port = peer.port;
    await peer.down();
    await assert.rejects(post(batch(2)), /ECONNREFUSED/);
    await peer.up();
    assert.equal(peer.port, port);
    assert.equal(JSON.parse((await post(batch(1))).body).duplicate, true);
  });
});
