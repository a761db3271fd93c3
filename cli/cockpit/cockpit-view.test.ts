import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyBatch } from '../../apis/ledger/apply-batch.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { batch, entry } from '../../apis/ledger/testdata/batches.js';
import { trackPeriods } from '../../apis/ledger/tracked-periods.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { renderMain, renderPage } from './cockpit-page.js';
import { type CockpitSnapshot, cockpitView } from './cockpit-view.js';

const NOW = new Date('2025-03-11T10:30:00Z');

function ledger(namespace: string, agent: string, entries: ReturnType<typeof entry>[]): AgentUsageLedger {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'AgentUsageLedger',
    metadata: { namespace, name: agent },
    spec: applyBatch(
      trackPeriods(
        emptyLedger(agent),
        [{ reset: 'Daily', timeZone: 'UTC' }],
        new Date('2025-03-10T00:00:00Z'),
      ),
      batch(1, entries, { agent }),
      NOW,
    ).ledger,
  };
}

function budget(namespace: string, name: string, status: TokenBudget['status']): TokenBudget {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'TokenBudget',
    metadata: { namespace, name },
    spec: {
      agentSelector: {},
      period: { reset: 'Daily', timeZone: 'UTC' },
      limits: { tokens: 10_000, currency: 'USD' },
      unpricedModels: 'HighestKnownPrice',
      thresholds: [{ percent: 75, actions: ['Alert'] }],
      forecast: { alertPercent: 80 },
    },
    ...(status ? { status } : {}),
  };
}

const snapshot: CockpitSnapshot = {
  ledgers: [
    ledger('team-a', 'support', [
      entry('2025-03-10T23:30:00Z', 5, { useCase: 'triage' }),
      entry('2025-03-11T08:10:00Z', 2, { useCase: 'triage' }),
      entry('2025-03-11T09:10:00Z', 3, { useCase: 'summarize', model: 'gpt-4o-mini' }),
      entry('2025-03-11T10:10:00Z', 1),
    ]),
    ledger('team-b', 'secret-agent', [entry('2025-03-11T09:00:00Z', 50, { useCase: 'hidden' })]),
  ],
  budgets: [
    budget('team-a', 'daily', {
      phase: 'Warning',
      percent: 80,
      used: { tokens: 8_000 },
      agents: [{ name: 'support', tokens: 660 }],
      forecast: { percent: 130, tokens: 13_000, method: 'TimeOfDay', aboveAlert: true },
      activeActions: ['Alert'],
      periodEnd: '2025-03-12T00:00:00.000Z',
      suspendedWorkloads: [{ kind: 'Deployment', name: 'writer', previousReplicas: 2 }],
    }),
    budget('team-b', 'hidden-budget', { phase: 'Exhausted', percent: 100 }),
  ],
  slos: [],
  residencyPolicies: [],
};

describe('cockpitView', () => {
  it('counts today (UTC) per agent, use case, model and hour, in the namespaces given only', () => {
    const view = cockpitView(snapshot, ['team-a'], NOW);
    assert.deepEqual(
      view.agents.map((a) => [a.namespace, a.agent, a.tokens, a.requests]),
      [['team-a', 'support', 660, 6]],
      'yesterday 23:30 and team-b are not counted',
    );
    assert.deepEqual(
      view.useCases.map((u) => [u.useCase, u.tokens]),
      [
        ['summarize', 330],
        ['triage', 220],
        ['(none)', 110],
      ],
    );
    assert.deepEqual(view.total.cost, { USD: 6_000 });
    assert.equal(view.hours.length, 24);
    assert.deepEqual(
      view.hours.filter((h) => h.tokens > 0).map((h) => [h.label, h.tokens]),
      [
        ['08', 220],
        ['09', 330],
        ['10', 110],
      ],
    );
    assert.equal(view.hours[11]?.future, true);
    assert.deepEqual(
      view.budgets.map((b) => b.name),
      ['daily'],
    );
    assert.deepEqual(
      view.budgets[0]?.period.map((r) => [r.useCase, r.model, r.tokens]),
      [
        ['summarize', 'gpt-4o-mini', 330],
        ['triage', 'gpt-4o', 220],
        ['(none)', 'gpt-4o', 110],
      ],
      "the budget's period (today, UTC) by use case and model, from its agents' ledgers",
    );
    assert.deepEqual(view.suspended, [
      {
        namespace: 'team-a',
        kind: 'Deployment',
        name: 'writer',
        budget: 'daily',
        previousReplicas: 2,
        back: '2025-03-12T00:00:00.000Z',
      },
    ]);
  });

  it('shows SLO burn and the residency refusals of the namespaces given only', () => {
    const refusal = (namespace: string, name: string, time: string) => ({
      time,
      namespace,
      kind: 'Deployment',
      name,
      source: 'env OPENAI_BASE_URL',
      endpoint: 'https://api.openai.com/v1',
      region: 'us',
    });
    const view = cockpitView(
      {
        ...snapshot,
        slos: [
          {
            apiVersion: 'governor.agents.dev/v1alpha1',
            kind: 'AgentSLO',
            metadata: { namespace: 'team-a', name: 'support-slo' },
            spec: {
              agentSelector: {},
              objectives: { success: { target: '99.5', countAsFailure: ['ServerError'] } },
            },
            status: {
              errorBudgetRemainingPercent: '42.5',
              burnRates: [
                { window: '5m', rate: '15.1' },
                { window: '1h', rate: '14.6' },
              ],
              fastBurn: true,
            },
          } as never,
        ],
        residencyPolicies: [
          {
            apiVersion: 'governor.agents.dev/v1alpha1',
            kind: 'DataResidencyPolicy',
            metadata: { name: 'eu-only' },
            spec: {} as never,
            status: {
              refusals: [
                refusal('team-a', 'research', '2025-03-11T09:00:00Z'),
                refusal('team-b', 'secret-research', '2025-03-11T09:30:00Z'),
              ],
            },
          },
        ],
      },
      ['team-a'],
      NOW,
    );
    assert.deepEqual(view.slos, [
      {
        namespace: 'team-a',
        name: 'support-slo',
        errorBudgetRemainingPercent: '42.5',
        burn: { '5m': '15.1', '1h': '14.6' },
        fastBurn: true,
      },
    ]);
    assert.deepEqual(
      view.refusals.map((r) => `${r.policy} ${r.namespace}/${r.name} ${r.endpoint}`),
      ['eu-only team-a/research https://api.openai.com/v1'],
    );
    const html = renderMain(view);
    assert.match(html, /42\.5 %/);
    assert.match(html, /<span class="alert">yes<\/span>/);
    assert.doesNotMatch(html, /secret-research/);
  });

  it('"today" follows the time zone: in Berlin, 23:30 UTC yesterday is 00:30 today', () => {
    const view = cockpitView(snapshot, ['team-a'], NOW, 'Europe/Berlin');
    assert.equal(view.agents[0]?.tokens, 660 + 550);
    assert.equal(view.hours[0]?.label, '00');
    assert.equal(view.hours.find((h) => h.tokens === 550)?.label, '00');
  });

  it('renders nothing of a namespace left out, escapes names, and has a table for every chart', () => {
    const html = renderPage(cockpitView(snapshot, ['team-a'], NOW), 'system:serviceaccount:team-a:<viewer>');
    assert.doesNotMatch(html, /secret-agent|hidden/);
    assert.match(html, /&lt;viewer&gt;/);
    assert.doesNotMatch(html, /<viewer>/);
    assert.equal((html.match(/<svg /g) ?? []).length, 3);
    assert.ok((html.match(/<table>/g) ?? []).length >= 4);
    assert.match(html, /130 % <span class="alert">over 80 %<\/span>/);
    assert.match(
      html,
      /<tr data-agent="team-a\/support"><th scope="row">support<\/th><td>team-a<\/td><td class="n">660<\/td>/,
    );
    const main = renderMain(cockpitView(snapshot, [], NOW));
    assert.match(main, /No usage recorded today/);
  });
});
