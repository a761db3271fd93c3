import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isClusterInternal, serviceNamespaceOf } from './cluster-internal-host.js';
import { endpointHost } from './endpoint-host.js';

describe('serviceNamespaceOf', () => {
  const cases: Array<[string, string | undefined]> = [
    ['http://otel-collector.observability:4318', 'observability'],
    ['HTTP://LLM-Gateway.Default.:8080/v1', 'default'],
    ['llm-gateway.team-a', 'team-a'],
    ['https://user@svc.ns/v1', 'ns'],
    ['api.openai', 'openai'],
    ['api.openai.com', undefined],
    ['llm-proxy', undefined],
    ['llm_proxy.agents', undefined],
    ['10.0.0.1', undefined],
    ['http://[::1]:8080', undefined],
  ];
  for (const [text, want] of cases) {
    it(`${text} → ${want ?? 'none'}`, () => {
      const endpoint = endpointHost(text);
      assert.ok(endpoint, text);
      assert.equal(serviceNamespaceOf(endpoint), want);
    });
  }
  it('is not by itself cluster-internal: only a caller that knows the namespaces can tell', () => {
    assert.equal(isClusterInternal(endpointHost('http://otel-collector.observability:4318')!), false);
    assert.equal(isClusterInternal(endpointHost('http://otel-collector.observability.svc:4318')!), true);
  });
});
