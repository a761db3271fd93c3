import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { serviceRoute } from './service-route.js';

describe('serviceRoute', () => {
  it('reads namespace, agent and after of a policy poll', () =>
    assert.deepEqual(serviceRoute('GET', '/v1/policies/team-a/support?after=17'), {
      service: 'policy',
      namespace: 'team-a',
      agent: 'support',
      after: '17',
      watch: false,
    }));
  it('reads a watch of the policy', () =>
    assert.deepEqual(serviceRoute('GET', '/v1/policies/team-a/support?after=17&watch=true'), {
      service: 'policy',
      namespace: 'team-a',
      agent: 'support',
      after: '17',
      watch: true,
    }));
  it('decodes percent-encoded names', () =>
    assert.deepEqual(serviceRoute('GET', '/v1/policies/team-a/support%2Fbot'), {
      service: 'policy',
      namespace: 'team-a',
      agent: 'support/bot',
      after: undefined,
      watch: false,
    }));
  it('routes usage posts', () => assert.deepEqual(serviceRoute('POST', '/v1/usage'), { service: 'usage' }));
  it('routes budget lease asks', () =>
    assert.deepEqual(serviceRoute('POST', '/v1/budget-leases'), { service: 'budget-leases' }));
  it('reads namespace and agent of a trace call take', () =>
    assert.deepEqual(serviceRoute('POST', '/v1/trace-calls/team-a/support'), {
      service: 'trace-calls',
      namespace: 'team-a',
      agent: 'support',
    }));

  const refused: [string, string, number, RegExp][] = [
    ['GET', '/v1/usage', 405, /send usage with POST/],
    ['GET', '/v1/budget-leases', 405, /ask for leases with POST/],
    ['POST', '/v1/policies/team-a/support', 405, /read policies with GET/],
    ['GET', '/v1/policies/team-a', 404, /\/v1\/policies\/\{namespace\}\/\{agent\}/],
    ['GET', '/v1/policies/team-a/support/extra', 404, /no such path/],
    ['GET', '/v1/policies/team-a/%E0%A4%A', 404, /no such path/],
    [
      'GET',
      '/v1/policies/team-a/support?watch=1',
      400,
      /query parameter watch .* is "1"; expected true or false/,
    ],
    ['GET', '/v1/trace-calls/team-a/support', 405, /count a trace's calls with POST/],
    ['POST', '/v1/trace-calls/team-a', 404, /\/v1\/trace-calls\/\{namespace\}\/\{agent\}/],
    ['GET', '/metrics', 404, /the services are GET \/v1\/policies/],
  ];
  for (const [method, path, status, message] of refused) {
    it(`answers ${method} ${path} with ${status}`, () => {
      const route = serviceRoute(method, path);
      assert.equal(route.service, 'none');
      if (route.service === 'none') {
        assert.equal(route.error.status, status);
        assert.match(route.error.message, message);
        if (status === 405) assert.ok(route.error.headers?.['allow']);
      }
    });
  }
});
