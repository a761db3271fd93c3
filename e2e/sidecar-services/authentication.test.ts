// Sidecars authenticate with their ServiceAccount token, checked by a real TokenReview: a token of
// the agent's namespace is served, a token of another namespace is refused 403 naming both, a
// garbage, missing or wrong-audience token gets 401, a deleted ServiceAccount's token stops working;
// and the services speak HTTPS when given a certificate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Agent } from 'undici';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { USAGE_PATH } from '../../apis/sidecar-protocol.js';
import { createClusterCertificates } from '../../local-cluster/certificates.js';
import { policyFor } from '../../sidecar-services/testdata/policies.js';
import {
  agentToken,
  call,
  errorMessage,
  eventually,
  metricValue,
  type ServicesEnv,
  type StartedServices,
  servicesEnv,
  startServices,
  uniqueNamespace,
  usageBatchOf,
} from '../../testing/services-fixture.js';

let env: ServicesEnv;
let services: StartedServices;
const teamA = uniqueNamespace('auth-a');
const teamB = uniqueNamespace('auth-b');
let tokenA: string;
let tokenB: string;

before(async () => {
  env = await servicesEnv();
  [tokenA, tokenB] = await Promise.all([agentToken(env.cluster, teamA), agentToken(env.cluster, teamB)]);
  services = await startServices(env, { restore: false });
  services.store.publish(teamA, 'support', policyFor(teamA, 'support'));
});
after(async () => {
  await services?.close();
  await env?.cluster.kubectl(['delete', 'namespace', teamA, teamB, '--wait=false']);
});

const policyUrl = (namespace: string, agent = 'support') =>
  `${services.url}/v1/policies/${namespace}/${agent}`;

describe('sidecar authentication', () => {
  it('serves the policy to a ServiceAccount token of the agent namespace', async () => {
    const answer = await call(policyUrl(teamA), { token: tokenA });
    assert.equal(answer.status, 200, answer.body);
    assert.deepEqual(answer.json<{ agent: unknown }>().agent, {
      namespace: teamA,
      name: 'support',
      critical: false,
    });
  });

  it('refuses a token of another namespace with 403 naming both namespaces', async () => {
    const answer = await call(policyUrl(teamA), { token: tokenB });
    assert.equal(answer.status, 403);
    const message = errorMessage(answer);
    assert.match(
      message,
      new RegExp(`ServiceAccount ${teamB}/agent may not read the policy of agent ${teamA}/support`),
    );
    assert.match(message, new RegExp(`acts only for agents in namespace ${teamB}`));
  });

  it('refuses usage of another namespace with 403 and records nothing', async () => {
    const answer = await call(`${services.url}${USAGE_PATH}`, {
      token: tokenB,
      body: usageBatchOf(teamA, 'support', 'pod-x', 1),
    });
    assert.equal(answer.status, 403);
    assert.match(
      errorMessage(answer),
      new RegExp(`may not report usage of agent ${teamA}/support in namespace ${teamA}`),
    );
    assert.equal(await env.client.get(agentUsageLedgers, { namespace: teamA, name: 'support' }), undefined);
  });

  const unauthenticated: [string, () => string | undefined, RegExp][] = [
    ['a garbage token', () => 'not-a-token', /not accepted by the API server/],
    ['no token', () => undefined, /missing bearer token/],
    ['a token of the wrong audience', () => wrongAudience, /not accepted|not for audience/],
  ];
  let wrongAudience = '';
  before(async () => {
    const created = await env.cluster.kubectl(
      ['create', 'token', 'agent', '-n', teamA, '--audience', 'someone-else'],
      {
        check: true,
      },
    );
    wrongAudience = created.stdout.trim();
  });
  for (const [name, token, message] of unauthenticated) {
    it(`answers 401 to ${name}`, async () => {
      const value = token();
      const answer = await call(policyUrl(teamA), value === undefined ? {} : { token: value });
      assert.equal(answer.status, 401);
      assert.match(String(answer.headers['www-authenticate']), /^Bearer/);
      assert.match(errorMessage(answer), message);
    });
  }

  it('reviews a token once and trusts the answer for a while', async () => {
    const before = await metricValue(services, 'governor_operator_sidecar_token_reviews_total', {
      result: 'authenticated',
    });
    const fresh = await env.cluster.kubectl(
      ['create', 'token', 'agent', '-n', teamA, '--audience', 'agent-governor'],
      {
        check: true,
      },
    );
    for (let i = 0; i < 3; i++)
      assert.equal((await call(policyUrl(teamA), { token: fresh.stdout.trim() })).status, 200);
    const reviewed = await metricValue(services, 'governor_operator_sidecar_token_reviews_total', {
      result: 'authenticated',
    });
    assert.equal(reviewed - before, 1);
  });

  it('stops accepting the token of a deleted ServiceAccount once the cached review ends', async () => {
    const namespace = uniqueNamespace('auth-gone');
    const token = await agentToken(env.cluster, namespace, 'short-lived');
    const uncached = await startServices(env, { restore: false, tokenCacheMs: 0 });
    try {
      uncached.store.publish(namespace, 'support', policyFor(namespace, 'support'));
      const url = `${uncached.url}/v1/policies/${namespace}/support`;
      assert.equal((await call(url, { token })).status, 200);
      await env.cluster.kubectl(['delete', 'serviceaccount', 'short-lived', '-n', namespace], {
        check: true,
      });
      // The API server trusts a token it verified for up to 10 s (its own cache), then looks again.
      const answer = await eventually(
        () => call(url, { token }),
        (a) => a.status !== 200,
        'the token to be refused',
      );
      assert.equal(answer.status, 401, answer.body);
    } finally {
      await uncached.close();
      await env.cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
    }
  });

  it('serves HTTPS with the given certificate', async () => {
    const certificates = await createClusterCertificates();
    const secure = await startServices(env, {
      restore: false,
      tls: { cert: certificates.apiServer.certificate, key: certificates.apiServer.privateKey },
    });
    const trusting = new Agent({ connect: { ca: certificates.ca.certificate } });
    try {
      assert.match(secure.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      secure.store.publish(teamA, 'support', policyFor(teamA, 'support'));
      const answer = await call(`${secure.url}/v1/policies/${teamA}/support`, {
        token: tokenA,
        dispatcher: trusting,
      });
      assert.equal(answer.status, 200);
      await assert.rejects(
        call(`${secure.url}/v1/policies/${teamA}/support`, { token: tokenA }),
        /certificate/,
      );
    } finally {
      await trusting.close();
      await secure.close();
    }
  });
});
