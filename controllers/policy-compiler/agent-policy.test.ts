import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { discoverAgents, type WorkloadObject } from '../../agents/agent-discovery.js';
import { type AgentSLO, agentSLO } from '../../apis/agent-slo.js';
import { type DataResidencyPolicy, dataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { effectivePolicy } from '../../apis/effective-policy.js';
import { type FallbackRoute, fallbackRoute } from '../../apis/fallback-route.js';
import { type ModelCatalog, modelCatalog } from '../../apis/model-catalog.js';
import { effectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import { type PromptTemplate, promptTemplate } from '../../apis/prompt-template.js';
import { type TokenBudget, tokenBudget } from '../../apis/token-budget.js';
import { compileAgentPolicy } from './agent-policy.js';

// Tests run from dist/controllers/policy-compiler; the examples live at the repository root.
const example = (file: string) =>
  parse(readFileSync(new URL(`../../../examples/${file}`, import.meta.url), 'utf8'));
const route = fallbackRoute.parse(example('fallback-route-gpt-4o.yaml')) as FallbackRoute;
const budget = tokenBudget.parse(example('token-budget-marketing-daily.yaml')) as TokenBudget;
const slo = agentSLO.parse(example('agent-slo-support.yaml')) as AgentSLO;
const euOnly = dataResidencyPolicy.parse(example('data-residency-eu-only.yaml')) as DataResidencyPolicy;
const contract = modelCatalog.parse(example('model-catalog-contract-prices.yaml')) as ModelCatalog;
const supportReply = promptTemplate.parse(example('prompt-template-support-reply.yaml')) as PromptTemplate;
const namespaceLabels = example('namespace.yaml').metadata.labels as Record<string, string>;
const agents = discoverAgents([
  {
    kind: 'Deployment',
    objects: [
      example('agents/marketing-agent-deployment.yaml') as WorkloadObject,
      example('agents/support-agent-deployment.yaml') as WorkloadObject,
    ],
  },
  { kind: 'CronJob', objects: [example('agents/report-cronjob.yaml') as WorkloadObject] },
]);
const now = new Date('2026-03-10T12:00:00Z');
const scope = { operatorNamespace: 'agent-governor' };

const compile = (
  name: string,
  overrides: {
    budgets?: TokenBudget[];
    slos?: AgentSLO[];
    routes?: FallbackRoute[];
    namespaceLabels?: Record<string, string>;
    catalogs?: ModelCatalog[];
    catalogAt?: Date;
    promptTemplates?: PromptTemplate[];
  } = {},
) => {
  const agent = agents.get(`agents/${name}`);
  assert.ok(agent, `agent ${name} discovered`);
  return compileAgentPolicy({
    agent,
    namespaceLabels: overrides.namespaceLabels ?? namespaceLabels,
    routes: overrides.routes ?? [route],
    budgets: overrides.budgets ?? [budget],
    slos: overrides.slos ?? [slo],
    residencyPolicies: [euOnly],
    scope,
    ...(overrides.catalogs
      ? { catalog: effectiveCatalog(overrides.catalogs, overrides.catalogAt ?? now) }
      : {}),
    ...(overrides.promptTemplates ? { promptTemplates: overrides.promptTemplates } : {}),
    now,
  });
};

const withStatus = (status: TokenBudget['status']): TokenBudget => ({ ...budget, status });

describe('compileAgentPolicy on the examples', () => {
  it('compiles the marketing agent: route with placed targets and mounted credentials, budget, residency', () => {
    const { policy, conflicts } = compile('marketing');
    assert.deepEqual(conflicts, []);
    assert.ok(effectivePolicy.safeParse(policy).success, 'a valid EffectivePolicy');
    assert.deepEqual(policy.agent, { namespace: 'agents', name: 'marketing', critical: false });
    assert.equal(policy.routes.length, 1);
    const [eu, azure] = policy.routes[0]?.targets ?? [];
    assert.equal(eu?.baseUrl, 'https://eu.api.openai.com/v1');
    assert.equal(eu?.region, 'eu');
    assert.equal(eu?.jurisdiction, 'EU');
    assert.deepEqual(eu?.credentials, {
      file: '/var/run/agent-governor/credentials/openai-credentials/api-key',
    });
    assert.equal(azure?.region, 'swedencentral', 'a host the catalog cannot place keeps its declared region');
    assert.equal(policy.budgets.length, 1);
    assert.equal(policy.budgets[0]?.name, 'agents/marketing-daily');
    assert.equal(policy.budgets[0]?.phase, 'Active', 'no status yet: Active');
    assert.equal(policy.budgets[0]?.usedTokens, 0);
    assert.equal(policy.budgets[0]?.degradeModel, 'gpt-4o-mini', 'from the route the budget names');
    assert.equal(policy.budgets[0]?.periodEnd, '2026-03-10T23:00:00.000Z', 'midnight in Berlin');
    assert.equal(policy.reasoning.maxTokensPerRequest, 4096);
    assert.equal(policy.reasoning.useCases['campaign-brainstorm']?.maxTokensPerRequest, 8192);
    assert.deepEqual(
      policy.reasoning.useCases['social-post-ideas'],
      {
        maxTokensPerRequest: 2048,
        maxCallsPerTrace: 20,
        onExceeded: 'Simplify',
        simplify: { model: 'gpt-4o-mini', maxTokens: 512 },
      },
      'a use case past its limits is simplified, and that reaches the sidecar',
    );
    assert.equal(
      policy.reasoning.maxInputTokensPerRequest,
      32000,
      'the input limit is compiled like the others',
    );
    assert.equal(policy.slos.length, 0, 'the SLO selects support only');
    assert.deepEqual(
      policy.residency?.policies.map((p) => [p.name, p.mode]),
      [['eu-only', 'Enforce']],
    );
    assert.deepEqual(
      policy.residency?.endpoints.map((e) => e.host),
      ['llm-gateway.eu.example.com'],
    );
  });

  it('compiles the support agent as critical with its SLO', () => {
    const { policy } = compile('support');
    assert.equal(policy.agent.critical, true);
    assert.equal(policy.budgets.length, 0, 'the budget selects marketing only');
    assert.deepEqual(
      policy.slos.map((s) => [s.name, s.latencyThresholdMs, s.fastBurnActions]),
      [['agents/support-latency-success', 1000, []]],
    );
    assert.deepEqual(policy.slos[0]?.countAsFailure, ['ServerError', 'Timeout', 'StaticFallback']);
  });

  it('takes phase, usage, actions and period end from the budget status', () => {
    const { policy } = compile('marketing', {
      budgets: [
        withStatus({
          phase: 'Warning',
          used: { tokens: 1_600_000, cost: '12.5' },
          percent: 80,
          activeActions: ['Alert', 'Degrade'],
          periodEnd: '2026-03-11T23:00:00Z',
        }),
      ],
    });
    const b = policy.budgets[0];
    assert.deepEqual(
      [b?.phase, b?.usedTokens, b?.usedCostMicros, b?.actions],
      ['Warning', 1_600_000, 12_500_000, ['Alert', 'Degrade']],
    );
    assert.equal(b?.periodEnd, '2026-03-11T23:00:00.000Z');
  });

  it('degrades a critical agent instead of suspending it', () => {
    const criticalBudget: TokenBudget = {
      ...withStatus({ phase: 'Exhausted', used: { tokens: 2_000_000 }, activeActions: ['Alert', 'Suspend'] }),
      spec: { ...budget.spec, agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } } },
    };
    const { policy } = compile('support', { budgets: [criticalBudget] });
    assert.deepEqual(policy.budgets[0]?.actions, ['Alert', 'Degrade']);
    const { policy: marketing } = compile('marketing', {
      budgets: [
        withStatus({ phase: 'Exhausted', used: { tokens: 2_000_000 }, activeActions: ['Alert', 'Suspend'] }),
      ],
    });
    assert.deepEqual(marketing.budgets[0]?.actions, ['Alert', 'Suspend']);
  });

  it('applies fast-burn actions while the SLO reports a fast burn, never shedding a critical agent', () => {
    const burning: AgentSLO = {
      ...slo,
      spec: {
        ...slo.spec,
        onFastBurn: {
          actions: ['ShedNonCritical', 'LowerReasoningBudget'],
          reasoningBudgetPercent: 40,
          switchBackAfter: '5m',
        },
      },
      status: { fastBurn: true },
    };
    const { policy } = compile('support', { slos: [burning] });
    assert.deepEqual(policy.slos[0]?.fastBurnActions, ['LowerReasoningBudget']);
    assert.equal(policy.slos[0]?.reasoningBudgetPercent, 40);
  });

  it('applies SwitchToFallback while the SLO status holds the switch, also after fast burn cleared', () => {
    const onFastBurn = {
      actions: ['SwitchToFallback', 'ShedNonCritical'] as ('SwitchToFallback' | 'ShedNonCritical')[],
      fallbackRouteRef: { name: 'gpt-4o' },
      reasoningBudgetPercent: 50,
      switchBackAfter: '5m',
    };
    const dwelling: AgentSLO = {
      ...slo,
      spec: { ...slo.spec, onFastBurn },
      status: {
        fastBurn: false,
        switchedToFallback: { since: '2026-01-01T00:00:00Z', fastBurnClearedAt: '2026-01-01T00:10:00Z' },
      },
    };
    const { policy } = compile('support', { slos: [dwelling] });
    assert.deepEqual(policy.slos[0]?.fastBurnActions, ['SwitchToFallback']);
    assert.equal(policy.slos[0]?.fallbackRoute, 'gpt-4o');
    const lifted = compile('support', { slos: [{ ...dwelling, status: { fastBurn: false } }] }).policy;
    assert.deepEqual(lifted.slos[0]?.fastBurnActions, []);
    assert.equal(lifted.slos[0]?.fallbackRoute, undefined);
  });

  it('reports two routes claiming one model and compiles the older one only', () => {
    const older = {
      ...route,
      metadata: { ...route.metadata, name: 'a-newer-name', creationTimestamp: '2026-01-01T00:00:00Z' },
    };
    const newer = {
      ...route,
      metadata: { ...route.metadata, name: 'gpt-4o', creationTimestamp: '2026-02-01T00:00:00Z' },
    };
    const { policy, conflicts } = compile('marketing', { routes: [newer, older] });
    assert.deepEqual(
      policy.routes.map((r) => r.name),
      ['a-newer-name'],
    );
    assert.deepEqual(conflicts, [
      { agent: 'marketing', model: 'gpt-4o', winner: 'a-newer-name', losers: ['gpt-4o'] },
    ]);
  });

  it('leaves residency out when no policy selects the namespace', () => {
    const { policy } = compile('marketing', { namespaceLabels: { team: 'growth' } });
    assert.equal(policy.residency, undefined);
    assert.equal(policy.routes[0]?.targets[0]?.region, 'eu', 'targets are still placed by the catalog');
  });

  it('gives the agent the declared prices in effect, the exchange rates, output limits and the budget rule', () => {
    const { policy } = compile('marketing', {
      catalogs: [contract],
      catalogAt: new Date('2026-12-04T00:00:00Z'),
    });
    assert.deepEqual(policy.pricing['gpt-4o-prod'], {
      inputPerMTok: 2_300_000,
      outputPerMTok: 9_200_000,
      cachedInputPerMTok: 1_150_000,
      currency: 'EUR',
    });
    assert.equal(policy.pricing['llama-3.3-70b-instruct']?.currency, 'EUR');
    assert.deepEqual(policy.exchangeRates, [{ from: 'USD', to: 'EUR', rate: 0.86, asOf: '2026-12-01' }]);
    assert.equal(policy.outputLimits?.['gpt-4o-prod'], 16384);
    assert.equal(policy.budgets[0]?.unpricedModels, 'HighestKnownPrice');
    assert.ok(effectivePolicy.safeParse(policy).success);
    const before = compile('marketing', { catalogs: [contract] }).policy;
    assert.deepEqual(before.pricing, {}, 'no declared price is in effect before its effectiveFrom');
    assert.equal(before.outputLimits?.['gpt-4o-prod'], 16384, 'output limits have no date');
  });

  it("compiles no declared prices without a catalog: the built-in defaults stay the sidecar's", () => {
    const { policy } = compile('marketing');
    assert.deepEqual(policy.pricing, {});
    assert.equal(policy.exchangeRates, undefined);
    assert.equal(policy.outputLimits, undefined);
  });

  it('never asks the sidecars to put prompts in their log lines (prompt logging is off unless a file asks)', () => {
    for (const name of ['marketing', 'support']) assert.equal(compile(name).policy.logging, undefined);
  });

  it('gives every agent of the namespace its PromptTemplates, leaving out other namespaces, deleted and invalid ones', () => {
    const other = {
      ...supportReply,
      metadata: { ...supportReply.metadata, namespace: 'elsewhere', name: 'x' },
    };
    const leaving = {
      ...supportReply,
      metadata: { ...supportReply.metadata, name: 'leaving', deletionTimestamp: '2026-03-10T11:00:00Z' },
    };
    const invalid = {
      ...supportReply,
      metadata: { ...supportReply.metadata, name: 'broken' },
      spec: { ...supportReply.spec, messages: [{ role: 'user' as const, content: '{{undeclared}}' }] },
    };
    const { policy } = compile('marketing', { promptTemplates: [invalid, leaving, other, supportReply] });
    assert.deepEqual(
      policy.promptTemplates?.map((t) => `${t.name}@${t.version}`),
      ['support-reply@3'],
    );
    assert.deepEqual(policy.promptTemplates?.[0]?.variables[2], {
      name: 'language',
      required: false,
      default: 'English',
      maxLength: 40,
    });
    assert.ok(effectivePolicy.safeParse(policy).success, 'the compiled policy is a valid EffectivePolicy');
    assert.equal(compile('marketing').policy.promptTemplates, undefined, 'absent without templates');
  });
});
