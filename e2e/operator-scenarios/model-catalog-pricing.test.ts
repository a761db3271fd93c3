// Prices declared in the cluster, end to end, with nothing in-process but the test: a ModelCatalog
// applied to the real API server, `agent-governor operator` compiling it into the agents' policies
// and counting ledgers with it, one `agent-governor sidecar` per agent in front of the mock LLM,
// called with the official OpenAI SDK. A budget in EUR counts a model declared in EUR to the
// micro-euro and reaches its threshold at the right amount; a CHF budget converts USD list prices
// with the declared rate; and a model priced nowhere meets each of the three rules: Refuse (403,
// never sent), HighestKnownPrice (counted at the highest known price) and TokensOnly (tokens
// counted, cost not) — each said in status, a condition, an Event and a metric.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fallbackRoutes, modelCatalogs, tokenBudgets } from '../../agents/governor-resources.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import { modelCatalogSpec } from '../../apis/model-catalog.js';
import { type TokenBudget, tokenBudgetSpec } from '../../apis/token-budget.js';
import { events } from '../../runtime/kube/resources.js';
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import { eventually } from '../../testing/eventually.js';
import {
  AGENT_SERVICE_ACCOUNT,
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
} from '../../testing/governed-agents.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { Agent, type AgentAnswer } from './agent-calls.js';

const suffix = randomBytes(3).toString('hex');
const CATALOG = `e2e-pricing-${suffix}`;
/** Declared in EUR by this suite only: 1000 EUR in, 4000 EUR out per million tokens. */
const EUR_MODEL = `acme-large-${suffix}`;
const EUR_PRICE = { input: 1000, output: 4000 };
/** Priced nowhere. */
const UNPRICED = `mystery-${suffix}`;
/** USD → CHF, declared by this suite only (no other catalog of the shared cluster names CHF). */
const USD_TO_CHF = 0.8;
/** gpt-4o's built-in list price, USD per million tokens. */
const GPT_4O = { input: 2.5, output: 10 };
/** o1-pro's built-in list price in USD (the highest known), so in CHF: 120 input, 480 output. */
const HIGHEST_CHF = { input: 150 * USD_TO_CHF, output: 600 * USD_TO_CHF };

/** What a call costs at a price per million tokens, in micro-units, rounded once as the sidecar does. */
const micros = (a: AgentAnswer, price: { input: number; output: number }) =>
  Math.round(a.servedTokens.input * price.input + a.servedTokens.output * price.output);
/** Micro-units as status writes money. */
const money = (m: number) =>
  `${Math.floor(m / 1_000_000)}.${String(m % 1_000_000)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '')}`;

const TEAMS = ['eur', 'refuse', 'highest', 'tokens'] as const;
type Team = (typeof TEAMS)[number];

describe('a ModelCatalog priced into budgets by real operator and sidecar processes', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  const sidecars: SidecarCli[] = [];
  const agents = new Map<Team, Agent>();
  const agent = (team: Team) => {
    const found = agents.get(team);
    assert.ok(found);
    return found;
  };
  const budgetName = (team: Team) => `${team}-budget`;

  const budgetWhere = (team: Team, what: string, holds: (b: TokenBudget) => boolean, timeoutMs = 30_000) =>
    eventually(
      `TokenBudget ${team}: ${what}`,
      async () => {
        const found = await env.client.get(tokenBudgets, {
          namespace: env.namespace,
          name: budgetName(team),
        });
        return found && holds(found) ? found : undefined;
      },
      { timeoutMs, intervalMs: 100 },
    );
  const pricingCondition = (b: TokenBudget) =>
    b.status?.conditions?.find((c) => c.type === 'PricingComplete');

  before(async () => {
    env = await governedAgents('pricing');
    mock = await startMockLlm();
    const ns = env.namespace;
    await env.client.create(modelCatalogs, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'ModelCatalog',
      metadata: { name: CATALOG },
      spec: modelCatalogSpec.parse({
        source: 'e2e suite model-catalog-pricing',
        exchangeRates: [{ from: 'USD', to: 'CHF', rate: String(USD_TO_CHF), asOf: '2026-12-01' }],
        providers: [
          {
            name: 'acme',
            currency: 'EUR',
            models: [
              {
                name: EUR_MODEL,
                maxOutputTokens: 2048,
                prices: [
                  { effectiveFrom: '2026-01-01', input: '1000.00', output: '4000.00' },
                  // Not in effect yet: must not count.
                  { effectiveFrom: '2099-01-01', input: '1.00', output: '1.00' },
                ],
              },
            ],
          },
        ],
      }),
    });
    await createWorkloads(env.client, {
      deployments: TEAMS.map((team) =>
        agentDeployment(ns, `${team}-agent`, {
          replicas: 1,
          labels: { team },
          serviceAccountName: AGENT_SERVICE_ACCOUNT,
        }),
      ),
      cronJobs: [],
    });
    await env.client.create(fallbackRoutes, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'FallbackRoute',
      metadata: { namespace: ns, name: 'every-model' },
      spec: fallbackRouteSpec.parse({
        agentSelector: { matchExpressions: [{ key: 'team', operator: 'Exists' }] },
        model: '*',
        targets: [{ name: 'mock', provider: 'OpenAI', endpoint: mock.baseUrl }],
      }),
    });
    const budget = (
      team: Team,
      limits: Record<string, unknown>,
      unpricedModels: string,
      thresholds?: unknown,
    ) =>
      env.client.create(tokenBudgets, {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'TokenBudget',
        metadata: { namespace: ns, name: budgetName(team) },
        spec: tokenBudgetSpec.parse({
          agentSelector: { matchLabels: { team } },
          limits,
          unpricedModels,
          ...(thresholds ? { thresholds } : {}),
        }),
      });
    await budget('eur', { cost: '1.00', currency: 'EUR' }, 'Refuse', [{ percent: 50, actions: ['Alert'] }]);
    await budget('refuse', { cost: '100.00', currency: 'USD' }, 'Refuse');
    await budget('highest', { cost: '100000.00', currency: 'CHF' }, 'HighestKnownPrice');
    await budget('tokens', { cost: '100.00', currency: 'USD' }, 'TokensOnly');

    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'pricing-operator',
      lease: 'agent-governor-leader',
    });
    for (const team of TEAMS) {
      const name = `${team}-agent`;
      const policy = await mirroredPolicy(
        env.client,
        ns,
        name,
        (p) =>
          p.routes.length === 1 &&
          p.budgets.length === 1 &&
          p.budgets[0]?.phase === 'Active' &&
          p.pricing[EUR_MODEL] !== undefined &&
          (p.exchangeRates ?? []).some((r) => r.to === 'CHF'),
      );
      sidecars.push(await startSidecarCli(env, name, operator.servicesUrl, policy));
      agents.set(team, new Agent(name, sidecars.at(-1)?.url ?? '', mock));
    }
  });

  after(async () => {
    for (const sidecar of sidecars) await sidecar.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.client.delete(modelCatalogs, { name: CATALOG }).catch(() => undefined);
    await env?.close();
  });

  it('compiles the declared price in effect, its currency and output limit into the policy', async () => {
    const policy = await mirroredPolicy(env.client, env.namespace, 'eur-agent');
    assert.deepEqual(policy.pricing[EUR_MODEL], {
      inputPerMTok: 1_000_000_000,
      outputPerMTok: 4_000_000_000,
      currency: 'EUR',
    });
    assert.equal(policy.outputLimits?.[EUR_MODEL], 2048);
    assert.equal(policy.budgets[0]?.unpricedModels, 'Refuse');
    assert.equal(policy.budgets[0]?.currency, 'EUR');
    const catalog = await eventually('the catalog status', async () => {
      const found = await env.client.get(modelCatalogs, { name: CATALOG });
      return found?.status?.pricedModels === 1 ? found : undefined;
    });
    assert.equal(catalog.status?.models, 1);
    assert.equal(catalog.status?.nextPriceChange, '2099-01-01T00:00:00.000Z');
    assert.equal(catalog.status?.builtInDefaultsAsOf, '2026-11-26');
  });

  it('EUR: counts the declared EUR price to the micro-euro and reaches 50 % at the right amount', async () => {
    let expected = 0;
    let crossedAt: number | undefined;
    for (let i = 0; i < 10 && crossedAt === undefined; i++) {
      const answer = await agent('eur').chat(100, { model: EUR_MODEL });
      assert.equal(answer.status, 200, answer.errorMessage);
      expected += micros(answer, EUR_PRICE);
      const cost = money(expected);
      const seen = await budgetWhere('eur', `used.cost ${cost} EUR`, (b) => b.status?.used?.cost === cost);
      const half = expected >= 500_000;
      assert.equal(seen.status?.phase, half ? 'Warning' : 'Active', `at ${cost} EUR of 1.00`);
      assert.equal(pricingCondition(seen)?.status, 'True');
      if (half) crossedAt = expected;
    }
    assert.ok(crossedAt !== undefined, 'the budget reached 50 %');
    // The sidecar holds each call's worst case against the rest of the 1.00 EUR: it refuses in EUR.
    let refusal: AgentAnswer | undefined;
    for (let i = 0; i < 10 && !refusal; i++) {
      const answer = await agent('eur').chat(100, { model: EUR_MODEL });
      if (answer.status === 429) refusal = answer;
      else assert.equal(answer.status, 200, answer.errorMessage);
    }
    assert.equal(refusal?.errorCode, 'budget_insufficient');
    assert.match(refusal?.errorMessage ?? '', new RegExp(`${env.namespace}/eur-budget.*EUR`));
  });

  it('Refuse: a model priced nowhere is refused with 403 naming the budget and the model, never sent', async () => {
    const served = mock.served.length;
    const answer = await agent('refuse').chat(10, { model: UNPRICED });
    assert.equal(answer.status, 403);
    assert.equal(answer.errorCode, 'unpriced_model');
    assert.match(answer.errorMessage ?? '', new RegExp(`Token budget "${env.namespace}/refuse-budget"`));
    assert.match(answer.errorMessage ?? '', new RegExp(`model "${UNPRICED}" has no price`));
    assert.equal(mock.served.length, served, 'the mock LLM never saw it');
    const priced = await agent('refuse').chat(10, { model: 'gpt-4o' });
    assert.equal(priced.status, 200, 'a priced model still works');

    const budget = await budgetWhere(
      'refuse',
      'PricingComplete=False',
      (b) => pricingCondition(b)?.status === 'False',
    );
    assert.equal(pricingCondition(budget)?.reason, 'UnpricedModel');
    assert.match(pricingCondition(budget)?.message ?? '', /unpricedModels: Refuse/);
    assert.deepEqual(budget.status?.pricing?.unpriced, [
      { model: UNPRICED, reason: 'UnpricedModel', calls: 1, tokens: 0, countedCost: '0.00' },
    ]);
    assert.equal(budget.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  it('HighestKnownPrice (CHF): USD list prices converted at the declared rate, the unpriced model at the highest known price', async () => {
    const listed = await agent('highest').chat(50, { model: 'gpt-4o' });
    assert.equal(listed.status, 200, listed.errorMessage);
    const unpriced = await agent('highest').chat(50, { model: UNPRICED });
    assert.equal(unpriced.status, 200, unpriced.errorMessage);
    assert.equal(unpriced.servedModel, UNPRICED);
    const usd = micros(listed, GPT_4O);
    const expected = Math.round(usd * USD_TO_CHF) + micros(unpriced, HIGHEST_CHF);
    const budget = await budgetWhere(
      'highest',
      `used.cost ${money(expected)} CHF`,
      (b) => b.status?.used?.cost === money(expected),
    );
    assert.equal(pricingCondition(budget)?.status, 'False');
    assert.equal(pricingCondition(budget)?.reason, 'UnpricedModel');
    assert.deepEqual(budget.status?.pricing?.highestKnownPrice, {
      input: '120.00',
      output: '480.00',
      inputModel: 'o1-pro',
      outputModel: 'o1-pro',
    });
    assert.equal(budget.status?.pricing?.unpriced?.[0]?.countedCost, money(micros(unpriced, HIGHEST_CHF)));
  });

  it('TokensOnly: the tokens count, the cost does not, and it is said in a condition, an Event and metrics', async () => {
    const answer = await agent('tokens').chat(20, { model: UNPRICED });
    assert.equal(answer.status, 200, answer.errorMessage);
    const tokens = answer.servedTokens.input + answer.servedTokens.output;
    const budget = await budgetWhere(
      'tokens',
      `${tokens} tokens, cost 0, PricingComplete=False`,
      (b) => b.status?.used?.tokens === tokens && pricingCondition(b)?.status === 'False',
    );
    assert.equal(budget.status?.used?.cost, '0.00');
    assert.equal(pricingCondition(budget)?.reason, 'UnpricedModel');
    assert.match(pricingCondition(budget)?.message ?? '', /Their tokens are counted, their cost is not/);

    await eventually('a Warning Event UnpricedModel on each budget that met the model', async () => {
      const listed = await env.client.list(events, { namespace: env.namespace });
      const on = (name: string) =>
        listed.some(
          (e) => e.reason === 'UnpricedModel' && e.type === 'Warning' && e.regarding?.name === name,
        );
      return on('tokens-budget') && on('refuse-budget') && on('highest-budget') ? true : undefined;
    });
    const series = `governor_operator_budget_unpriced_calls{namespace="${env.namespace}",name="tokens-budget",model="${UNPRICED}",reason="UnpricedModel"} 1`;
    await eventually('the operator gauge', async () =>
      (await (await fetch(`${operator.metricsUrl}/metrics`)).text()).includes(series) ? true : undefined,
    );
    const sidecar = sidecars[TEAMS.indexOf('tokens')];
    const text = await (await fetch(`${sidecar?.url}/metrics`)).text();
    assert.match(
      text,
      new RegExp(
        `governor_sidecar_unpriced_calls_total\\{agent="${env.namespace}/tokens-agent",model="${UNPRICED}"\\} 1`,
      ),
    );
  });
});
