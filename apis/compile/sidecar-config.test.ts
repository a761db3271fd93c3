// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files use ${VAR} interpolation, written literally here
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { effectivePolicy } from '../effective-policy.js';
import { sidecarConfig } from '../sidecar-config.js';
import { compileSidecarConfig } from './sidecar-config.js';

const raw = readFileSync(join(REPO_ROOT, 'examples', 'sidecar', 'standalone.yaml'), 'utf8')
  .replaceAll('${UPSTREAM_BASE_URL:-https://api.openai.com/v1}', 'https://api.openai.com/v1')
  .replaceAll('${FALLBACK_BASE_URL:-https://eu.api.openai.com/v1}', 'https://eu.api.openai.com/v1')
  .replaceAll('${OPENAI_API_KEY}', 'sk-test');

describe('compileSidecarConfig', () => {
  const config = sidecarConfig.parse(parse(raw));
  const now = new Date('2025-06-15T12:00:00Z');
  const policy = compileSidecarConfig(config, { version: 'v1', now });

  it('compiles the shipped example into a valid EffectivePolicy', () => {
    const checked = effectivePolicy.safeParse(policy);
    assert.ok(checked.success, checked.success ? '' : JSON.stringify(checked.error.issues));
    assert.deepEqual(policy.agent, { namespace: 'default', name: 'my-agent', critical: false });
    assert.equal(policy.version, 'v1');
    assert.equal(policy.generatedAt, now.toISOString());
  });

  it('routes by name with inline keys, the catch-all last', () => {
    assert.deepEqual(
      policy.routes.map((r) => [r.name, r.model]),
      [
        ['gpt-4o', 'gpt-4o'],
        ['default', '*'],
      ],
    );
    assert.deepEqual(policy.routes[0]?.targets[0]?.credentials, { apiKey: 'sk-test' });
    assert.equal(policy.routes[0]?.degradeTo?.model, 'gpt-4o-mini');
    assert.ok(policy.routes[0]?.cache);
    assert.equal(policy.routes[1]?.cache, undefined);
  });

  it('starts budgets empty with the period end of today in the time zone', () => {
    const budget = policy.budgets[0];
    assert.equal(budget?.name, 'daily');
    assert.equal(budget?.phase, 'Active');
    assert.equal(budget?.usedTokens, 0);
    assert.equal(budget?.limitTokens, 2_000_000);
    assert.equal(budget?.limitCostMicros, 10_000_000);
    assert.equal(budget?.periodEnd, '2025-06-16T00:00:00.000Z');
  });

  it('carries reasoning limits, residency, pricing in micro-units and prompt logging', () => {
    assert.deepEqual(policy.reasoning, {
      maxTokensPerRequest: 4096,
      maxInputTokensPerRequest: 32000,
      maxCallsPerTrace: 50,
      maxChainDepth: 5,
      useCases: {},
    });
    assert.equal(policy.residency?.policies[0]?.name, 'us-and-eu');
    assert.deepEqual(policy.residency?.policies[0]?.allowedJurisdictions, ['US', 'EU']);
    assert.deepEqual(policy.pricing['my-fine-tuned-model'], {
      inputPerMTok: 3_000_000,
      outputPerMTok: 12_000_000,
      currency: 'USD',
    });
    assert.deepEqual(policy.outputLimits, { 'my-fine-tuned-model': 8192 });
    assert.equal(policy.budgets[0]?.unpricedModels, 'HighestKnownPrice');
    assert.deepEqual(policy.logging, { prompts: false });
  });

  it('takes the key from a file or a variable of the sidecar when the file says so', () => {
    const routes = [
      {
        model: 'm',
        targets: [
          { name: 'a', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1', apiKeyFile: '/keys/a' },
          {
            name: 'b',
            provider: 'Anthropic',
            endpoint: 'https://api.anthropic.com',
            apiKeyEnv: 'ANTHROPIC_API_KEY',
          },
        ],
      },
    ];
    const compiled = compileSidecarConfig(
      sidecarConfig.parse({
        apiVersion: 'config.governor.agents.dev/v1alpha1',
        kind: 'SidecarConfig',
        routes,
      }),
      { version: 'v2', now },
    );
    assert.equal(compiled.routes[0]?.name, 'm', 'a route without a name is named for its model');
    assert.deepEqual(compiled.routes[0]?.targets[0]?.credentials, { file: '/keys/a' });
    assert.deepEqual(compiled.routes[0]?.targets[1]?.credentials, { env: 'ANTHROPIC_API_KEY' });
    assert.equal(compiled.residency, undefined);
  });

  it('carries prices in their currency, exchange rates and the budget rule', () => {
    const compiled = compileSidecarConfig(
      sidecarConfig.parse({
        apiVersion: 'config.governor.agents.dev/v1alpha1',
        kind: 'SidecarConfig',
        routes: [
          { model: '*', targets: [{ name: 'a', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1' }] },
        ],
        budgets: [{ name: 'eur', limits: { cost: '5.00', currency: 'EUR' }, unpricedModels: 'Refuse' }],
        pricing: { 'acme-large': { input: '2.00', output: '8.00', currency: 'EUR' } },
        exchangeRates: [{ from: 'USD', to: 'EUR', rate: '0.86', asOf: '2026-12-01' }],
      }),
      { version: 'v3', now },
    );
    assert.deepEqual(compiled.pricing['acme-large'], {
      inputPerMTok: 2_000_000,
      outputPerMTok: 8_000_000,
      currency: 'EUR',
    });
    assert.deepEqual(compiled.exchangeRates, [{ from: 'USD', to: 'EUR', rate: 0.86, asOf: '2026-12-01' }]);
    assert.equal(compiled.budgets[0]?.unpricedModels, 'Refuse');
    assert.equal(compiled.budgets[0]?.currency, 'EUR');
  });

  it('refuses a price in no currency, naming the field', () => {
    const result = sidecarConfig.safeParse({
      apiVersion: 'config.governor.agents.dev/v1alpha1',
      kind: 'SidecarConfig',
      routes: [
        { model: '*', targets: [{ name: 'a', provider: 'OpenAI', endpoint: 'https://api.openai.com/v1' }] },
      ],
      pricing: { 'acme-large': { input: '2.00', output: '8.00', currency: 'euro' } },
    });
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['pricing', 'acme-large', 'currency']);
  });

  it('compiles the prompt templates of the file, and refuses a placeholder no variable declares', () => {
    assert.deepEqual(policy.promptTemplates, [
      {
        name: 'summary',
        version: '1',
        messages: [
          { role: 'system', content: 'Summarise for {{ audience }} in at most {{ sentences }} sentences.' },
        ],
        variables: [
          { name: 'audience', required: true, maxLength: 80 },
          { name: 'sentences', required: false, default: '3' },
        ],
      },
    ]);
    const broken = structuredClone(parse(raw)) as { promptTemplates: { messages: { content: string }[] }[] };
    const first = broken.promptTemplates[0];
    assert.ok(first?.messages[0]);
    first.messages[0].content = 'Summarise for {{ reader }}.';
    const result = sidecarConfig.safeParse(broken);
    assert.equal(result.success, false);
    assert.deepEqual(result.error?.issues[0]?.path, ['promptTemplates', 0, 'messages']);
    assert.match(
      result.error?.issues[0]?.message ?? '',
      /messages\[0\]: \{\{ reader \}\} names no declared variable/,
    );
  });
});
