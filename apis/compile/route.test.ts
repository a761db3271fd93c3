import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example } from '../../testing/repo-files.js';
import { fallbackRouteSpec } from '../fallback-route.js';
import { compileRoute } from './route.js';

describe('compileRoute', () => {
  it("compiles an experiment's variants with their model, compression and prompt template", () => {
    const example2 = fallbackRouteSpec.parse(
      (example('fallback-route-experiment.yaml') as { spec: unknown }).spec,
    );
    const route = compileRoute('support-gpt-4o', {
      ...example2,
      experiment: {
        ...example2.experiment!,
        variants: [
          ...example2.experiment!.variants,
          { name: 'templated', weight: 0, promptTemplate: 'answer@2' },
        ],
      },
    });
    assert.deepEqual(route.experiment, {
      name: 'support-model',
      stickyBy: 'x-governor-conversation-id',
      variants: [
        { name: 'control', weight: 50 },
        {
          name: 'mini',
          weight: 50,
          model: 'gpt-4o-mini',
          compression: {
            steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
            keepTurns: 4,
            keepLines: 3,
          },
        },
        { name: 'templated', weight: 0, promptTemplate: 'answer@2' },
      ],
    });
    assert.equal(compileRoute('gpt-4o', spec).experiment, undefined);
  });

  const spec = fallbackRouteSpec.parse((example('fallback-route-gpt-4o.yaml') as { spec: unknown }).spec);

  it('turns the example FallbackRoute into milliseconds, base URLs and the static text', () => {
    const route = compileRoute('gpt-4o', spec, (t) => ({
      file: `/var/run/secrets/${t.credentialsSecretRef?.name}`,
    }));
    assert.equal(route.name, 'gpt-4o');
    assert.equal(route.model, 'gpt-4o');
    assert.equal(route.perAttemptTimeoutMs, 10_000);
    assert.equal(route.overallTimeoutMs, 30_000);
    assert.deepEqual(route.retries, {
      attempts: 2,
      backoffBaseMs: 250,
      backoffMaxMs: 4_000,
      retryOn: ['RateLimited', 'ServerError', 'ConnectionError', 'Timeout'],
    });
    assert.deepEqual(route.circuitBreaker, { failureThreshold: 5, openMs: 30_000, halfOpenRequests: 1 });
    assert.deepEqual(route.cache, { ttlMs: 600_000, maxEntries: 2000, maxBytes: 64 * 1024 ** 2 });
    assert.match(route.staticResponse ?? '', /busy right now/);
    assert.deepEqual(route.degradeTo, { model: 'gpt-4o-mini', target: 'openai-eu' });
    assert.deepEqual(route.compression, {
      steps: ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'],
      keepTurns: 4,
      keepLines: 3,
    });
    assert.deepEqual(route.targets[0], {
      name: 'openai-eu',
      provider: 'OpenAI',
      baseUrl: 'https://eu.api.openai.com/v1',
      model: 'gpt-4o',
      credentials: { file: '/var/run/secrets/openai-credentials' },
    });
    assert.equal(route.targets[1]?.timeoutMs, 15_000);
    assert.equal(route.targets[1]?.region, 'swedencentral');
    assert.equal(route.targets[1]?.apiVersion, '2024-10-21');
  });

  it('leaves the cache out when it is not enabled, and trailing slashes off base URLs', () => {
    const route = compileRoute('r', {
      ...spec,
      cache: { enabled: false, ttl: '1m', maxEntries: 1, maxBytes: 1024 },
      targets: [{ name: 'a', provider: 'OpenAICompatible', endpoint: 'http://vllm.svc:8000/v1/' }],
    });
    assert.equal(route.cache, undefined);
    assert.equal(route.targets[0]?.baseUrl, 'http://vllm.svc:8000/v1');
    assert.equal(route.targets[0]?.credentials, undefined);
  });

  it('compiles compression with its defaults, and leaves it out when the route declares none', () => {
    const bare = fallbackRouteSpec.parse({ ...spec, compression: { steps: ['DropDuplicates'] } });
    assert.deepEqual(compileRoute('r', bare).compression, {
      steps: ['DropDuplicates'],
      keepTurns: 4,
      keepLines: 3,
    });
    const { compression: _none, ...without } = spec;
    assert.equal(compileRoute('r', without).compression, undefined);
  });

  it('compiles Summarize with its defaults and the target it names', () => {
    const summarizing = fallbackRouteSpec.parse({
      ...spec,
      compression: { steps: ['Summarize', 'DropDuplicates'], summarize: { model: 'gpt-4o-mini' } },
    });
    assert.deepEqual(compileRoute('r', summarizing).compression?.summarize, {
      model: 'gpt-4o-mini',
      maxHistoryTokens: 8000,
      maxSummaryTokens: 1000,
    });
    const target = spec.targets[0]?.name as string;
    const aimed = fallbackRouteSpec.parse({
      ...spec,
      compression: { steps: ['Summarize'], summarize: { model: 'm', target, maxHistoryTokens: 4000 } },
    });
    assert.equal(compileRoute('r', aimed).compression?.summarize?.target, target);
    assert.equal(compileRoute('r', aimed).compression?.summarize?.maxHistoryTokens, 4000);
  });

  it('refuses an unknown compression step and a keepTurns of 0, naming the field', () => {
    const bad = fallbackRouteSpec.safeParse({
      ...spec,
      compression: { steps: ['Summarise'], keepTurns: 0 },
    });
    assert.equal(bad.success, false);
    const issues = bad.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    assert.ok(
      issues.includes(
        'compression.steps.0: must be one of CollapseWhitespace, DropDuplicates, AbridgeStaleToolOutputs, Summarize',
      ),
      issues.join('\n'),
    );
    assert.ok(issues.includes('compression.keepTurns: must be at least 1 user turn'), issues.join('\n'));
  });

  it('names the route and field of a duration it cannot read', () => {
    assert.throws(
      () => compileRoute('gpt-4o', { ...spec, timeouts: { perAttempt: 'soon', overall: '30s' } }),
      /route gpt-4o: timeouts\.perAttempt must be a duration such as 10s, got "soon"/,
    );
  });
});
