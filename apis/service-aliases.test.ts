import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { endpointHost } from './endpoint-host.js';
import { type AliasContext, aliasTargets, type ServiceAlias, serviceReferenceOf } from './service-aliases.js';

describe('serviceReferenceOf', () => {
  const cases: Array<[string, string | undefined]> = [
    ['http://llm-proxy:8080', 'llm-proxy'],
    ['http://llm-proxy.agents', 'agents/llm-proxy'],
    ['http://LLM-Proxy.Agents.SVC.:8080/v1', 'agents/llm-proxy'],
    ['http://llm-proxy.agents.svc.cluster.local', 'agents/llm-proxy'],
    ['http://localhost:4000', undefined],
    ['http://10.0.0.1', undefined],
    ['http://[fd00::1]', undefined],
    ['https://api.openai.com', undefined],
    ['http://a.b.c.svc', undefined],
    ['http://pod.sub.agents.svc.cluster.local', undefined],
    ['http://9lives:80', undefined],
  ];
  for (const [text, want] of cases) {
    it(`${text} → ${want ?? 'no Service'}`, () => {
      const endpoint = endpointHost(text);
      assert.ok(endpoint);
      const ref = serviceReferenceOf(endpoint);
      assert.equal(ref ? `${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}` : undefined, want);
    });
  }
});

describe('aliasTargets', () => {
  const services: Record<string, ServiceAlias> = {
    'agents/llm-proxy': { externalName: 'api.openai.com' },
    'agents/eu-proxy': { externalName: 'eu.api.openai.com.' },
    'agents/hop': { externalName: 'shared-llm.shared.svc.cluster.local' },
    'shared/shared-llm': { externalName: 'api.anthropic.com' },
    'agents/loop-a': { externalName: 'loop-b' },
    'agents/loop-b': { externalName: 'loop-a' },
    'agents/to-ordinary': { externalName: 'ordinary.shared.svc' },
    'agents/manual': { addresses: ['10.0.0.7', '203.0.113.7', '2001:db8::7'] },
    'agents/internal-only': { addresses: ['10.0.0.7', 'fd00::7'] },
    'agents/fqdn': { addresses: ['bedrock-runtime.us-east-1.amazonaws.com'] },
  };
  const context: AliasContext = {
    services: (namespace, name) => services[`${namespace}/${name}`],
    namespace: 'agents',
  };
  const targets = (name: string, namespace?: string) =>
    aliasTargets({ name, ...(namespace ? { namespace } : {}) }, context)?.map(
      (t) => `${t.host}|${t.region ?? '-'}|${t.via}`,
    );

  it('an ExternalName stands for its external name', () =>
    assert.deepEqual(targets('llm-proxy'), ['api.openai.com|us|Service agents/llm-proxy']));
  it('in the namespace named, else the pod’s', () => {
    assert.deepEqual(targets('llm-proxy', 'agents'), ['api.openai.com|us|Service agents/llm-proxy']);
    assert.equal(targets('llm-proxy', 'elsewhere'), undefined);
  });
  it('a trailing dot in the external name changes nothing', () =>
    assert.deepEqual(targets('eu-proxy'), ['eu.api.openai.com|eu|Service agents/eu-proxy']));
  it('an ExternalName naming another Service is followed', () =>
    assert.deepEqual(targets('hop'), [
      'api.anthropic.com|us|Service agents/hop → Service shared/shared-llm',
    ]));
  it('a loop of ExternalNames ends', () => assert.deepEqual(targets('loop-a'), []));
  it('an ExternalName naming an ordinary Service stays in the cluster', () =>
    assert.deepEqual(targets('to-ordinary'), []));
  it('a selector-less Service stands for its public addresses, not its private ones', () =>
    assert.deepEqual(targets('manual'), [
      '203.0.113.7|-|Service agents/manual',
      '2001:db8::7|-|Service agents/manual',
    ]));
  it('one whose addresses are all private stands for nothing outside', () =>
    assert.deepEqual(targets('internal-only'), []));
  it('an FQDN address is placed by the catalog', () =>
    assert.deepEqual(targets('fqdn'), [
      'bedrock-runtime.us-east-1.amazonaws.com|us-east-1|Service agents/fqdn',
    ]));
  it('an ordinary Service (no alias) is no alias', () => assert.equal(targets('web'), undefined));
  it('without the pod’s namespace a short name names nothing', () =>
    assert.equal(aliasTargets({ name: 'llm-proxy' }, { services: context.services }), undefined));
});
