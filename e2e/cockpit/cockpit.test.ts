// The cockpit as a person uses it: `agent-governor cockpit` (a child process) against the real API
// server, while real sidecars (`agent-governor sidecar`, operator mode) carry calls of the official
// OpenAI client with use-case headers to the mock LLM and `agent-governor operator` records them in
// the ledgers. Headless Chromium signs in with a ServiceAccount token that may read one namespace:
// the page shows that namespace's agents, use cases and hours with the ledger's very numbers, and
// nothing of a namespace the token may not read; a budget crossing appears on the open page within
// seconds, without a reload. Screenshots are kept in test-output/cockpit (printed).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import OpenAI from 'openai';
import { agentUsageLedgers, tokenBudgets } from '../../agents/governor-resources.js';
import { currentPeriod } from '../../apis/budget-period.js';
import { emptyLedger } from '../../apis/ledger/ledger-name.js';
import { periodTotals } from '../../apis/ledger/period-totals.js';
import type { AgentUsageLedger } from '../../apis/usage-ledger.js';
import { namespaces } from '../../runtime/kube/resources.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { budgetViewerToken } from '../../testing/cockpit-viewer.js';
import { eventually } from '../../testing/eventually.js';
import {
  createMarketingAgents,
  createRouteAndBudget,
  type GovernedAgents,
  governedAgents,
  mirroredPolicy,
  mockRoute,
  type OperatorCli,
  type SidecarCli,
  startOperatorCli,
  startSidecarCli,
  teamBudget,
} from '../../testing/governed-agents.js';
import { type HeadlessChromium, launchChromium } from '../../testing/headless-chromium.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { testOutputDir } from '../../testing/test-output.js';

const LIMIT = 20_000;
const BUDGET = 'marketing-daily';
/** A crossing must show on the open page this soon after the status says it (refresh is 1 s). */
const CROSSING_SHOWN_MS = 10_000;
const OUTPUT_DIR = testOutputDir('cockpit');

/** Input plus output tokens of `ledgers` today (UTC), per agent and per use case. */
function ledgerToday(ledgers: readonly AgentUsageLedger[], now: Date) {
  const day = currentPeriod({ reset: 'Daily', timeZone: 'UTC' }, now);
  const agents: Record<string, number> = {};
  const useCases: Record<string, number> = {};
  for (const ledger of ledgers) {
    for (const hour of ledger.spec.hourlyUsage ?? []) {
      const start = Date.parse(hour.start);
      if (start < day.start.getTime() || start >= day.end.getTime()) continue;
      for (const line of hour.lines) {
        const tokens = line.inputTokens + line.outputTokens;
        agents[ledger.spec.agent] = (agents[ledger.spec.agent] ?? 0) + tokens;
        const useCase = line.useCase ?? '(none)';
        useCases[useCase] = (useCases[useCase] ?? 0) + tokens;
      }
    }
  }
  return { agents, useCases };
}

const asNumber = (text: string | null | undefined) => Number((text ?? '').replaceAll(',', ''));

describe('agent-governor cockpit in a browser, against the real API server and real sidecar traffic', {
  timeout: 300_000,
}, () => {
  let env: GovernedAgents;
  let mock: MockLlm;
  let operator: OperatorCli;
  let cockpit: CliProcess;
  let cockpitUrl = '';
  let browser: HeadlessChromium;
  const sidecars: Record<string, SidecarCli> = {};
  const hidden = `cockpit-hidden-${randomBytes(3).toString('hex')}`;
  let viewerToken = '';

  const call = async (agent: string, useCase: string, words: number) => {
    const openai = new OpenAI({
      baseURL: `${sidecars[agent]?.url}/v1`,
      apiKey: 'agent-has-no-provider-key',
      maxRetries: 0,
      defaultHeaders: { 'x-governor-use-case': useCase },
    });
    const content = `${agent}-call-${randomBytes(4).toString('hex')} ${'why '.repeat(words)}`;
    return openai.chat.completions.create({
      model: 'gpt-4o',
      max_tokens: 50,
      messages: [{ role: 'user', content }],
    });
  };
  const served = () => mock.served.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
  const ledgers = () => env.client.list(agentUsageLedgers, { namespace: env.namespace });

  before(async () => {
    env = await governedAgents('cockpit');
    mock = await startMockLlm();
    const ns = env.namespace;
    await createMarketingAgents(env.client, ns);
    await createRouteAndBudget(
      env.client,
      mockRoute(ns, {
        name: 'gpt-4o',
        model: 'gpt-4o',
        degradeTo: 'gpt-4o-mini',
        baseUrl: mock.baseUrl,
        team: 'marketing',
      }),
      teamBudget(ns, { name: BUDGET, team: 'marketing', tokens: LIMIT, route: 'gpt-4o' }),
    );
    // A namespace the viewer may not read, with a budget and an agent's usage.
    await env.client.create(namespaces, { metadata: { name: hidden } });
    await env.client.create(tokenBudgets, {
      ...teamBudget(hidden, { name: 'hidden-budget', team: 'nobody', tokens: 1_000, route: 'none' }),
    });
    await env.client.create(agentUsageLedgers, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentUsageLedger',
      metadata: { namespace: hidden, name: 'hidden-agent' },
      spec: emptyLedger('hidden-agent'),
    });
    // The viewer: a ServiceAccount that may list and get TokenBudgets in the agents' namespace only.
    viewerToken = await budgetViewerToken(env.cluster, ns);

    operator = await startOperatorCli(env.cluster.kubeconfig, env.operatorNamespace, {
      identity: 'cockpit-operator',
      lease: 'agent-governor-leader',
    });
    const ready = (p: { routes: unknown[]; budgets: { phase: string }[] }) =>
      p.routes.length === 1 && p.budgets.length === 1 && p.budgets[0]?.phase === 'Active';
    for (const agent of ['writer', 'support']) {
      sidecars[agent] = await startSidecarCli(
        env,
        agent,
        operator.servicesUrl,
        await mirroredPolicy(env.client, ns, agent, ready),
      );
    }
    cockpit = await startCliProcess(
      ['cockpit', '--kubeconfig', env.cluster.kubeconfig, '--port', '0', '--refresh', '1'],
      /cockpit: (http:\/\/\S+)/,
    );
    cockpitUrl = cockpit.ready[1] ?? '';
    browser = await launchChromium();
    console.log(`cockpit screenshots: ${OUTPUT_DIR}`);
  });

  after(async () => {
    await browser?.close();
    await cockpit?.stop('SIGTERM');
    for (const sidecar of Object.values(sidecars)) await sidecar.stop('SIGKILL');
    await operator?.stop('SIGKILL');
    await mock?.close();
    await env?.client.delete(namespaces, { name: hidden }).catch(() => undefined);
    await env?.close();
  });

  it('asks who you are, and refuses the live stream and manifests to nobody', async () => {
    const page = await fetch(cockpitUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Kubernetes bearer token/);
    assert.equal((await fetch(new URL('events', cockpitUrl))).status, 401);
    const badLogin = await fetch(new URL('login', cockpitUrl), {
      method: 'POST',
      body: new URLSearchParams({ token: 'not-a-token' }),
      redirect: 'manual',
    });
    assert.equal(badLogin.status, 401);
    assert.match(await badLogin.text(), /Not signed in: the API server did not accept this token/);
  });

  it('shows what the ledgers hold: tokens per agent and per use case, equal to the ledger', async () => {
    for (let i = 0; i < 3; i++) await call('writer', 'drafting', 200);
    for (let i = 0; i < 2; i++) await call('writer', 'translation', 100);
    for (let i = 0; i < 4; i++) await call('support', 'triage', 50);
    const expected = served();
    await eventually(
      `the ledgers hold the ${expected} tokens served`,
      async () => {
        const today = ledgerToday(await ledgers(), new Date());
        const sum = Object.values(today.agents).reduce((a, b) => a + b, 0);
        return sum === expected ? true : undefined;
      },
      { timeoutMs: 30_000 },
    );

    const { page } = browser;
    await page.goto(cockpitUrl);
    await page.fill('#token', viewerToken);
    await page.click('button[type=submit]');
    await page.waitForSelector('#tokens-today');
    assert.match(
      (await page.textContent('header')) ?? '',
      new RegExp(`system:serviceaccount:${env.namespace}:viewer`),
    );

    const shown = await eventually(
      'the page shows the ledger numbers',
      async () => {
        const today = ledgerToday(await ledgers(), new Date());
        const agents: Record<string, number> = {};
        for (const agent of ['writer', 'support']) {
          agents[agent] = asNumber(await page.textContent(`tr[data-agent="${env.namespace}/${agent}"] td.n`));
        }
        const useCases: Record<string, number> = {};
        for (const useCase of ['drafting', 'translation', 'triage']) {
          useCases[useCase] = asNumber(await page.textContent(`tr[data-use-case="${useCase}"] td.n`));
        }
        const total = asNumber(await page.textContent('#tokens-today'));
        const matches =
          agents['writer'] === today.agents['writer'] &&
          agents['support'] === today.agents['support'] &&
          useCases['drafting'] === today.useCases['drafting'] &&
          useCases['translation'] === today.useCases['translation'] &&
          useCases['triage'] === today.useCases['triage'] &&
          total === expected;
        return matches ? { agents, useCases, total } : undefined;
      },
      { timeoutMs: 15_000 },
    );
    assert.equal(shown.total, expected);
    assert.ok((shown.agents['writer'] ?? 0) > 0 && (shown.agents['support'] ?? 0) > 0);
    // The budget's period by use case and model: its agents' ledger lines of the budget's period.
    await eventually(
      "the budget's period rows equal the ledgers' period lines",
      async () => {
        const budget = await env.client.get(tokenBudgets, { namespace: env.namespace, name: BUDGET });
        if (!budget) return undefined;
        const now = new Date();
        const inLedgers = (await ledgers()).reduce(
          (n, l) => n + (periodTotals(l.spec, budget.spec.period, now)?.tokens ?? 0),
          0,
        );
        const cells = await page.$$eval('#h-budgets ~ details tbody tr td:nth-of-type(4)', (tds) =>
          tds.map((td) => td.textContent ?? ''),
        );
        const shownInPeriod = cells.reduce((n, text) => n + asNumber(text), 0);
        return inLedgers > 0 && shownInPeriod === inLedgers ? true : undefined;
      },
      { timeoutMs: 15_000 },
    );
    // Charts are drawn on the server, each with its table.
    assert.equal(await page.locator('svg.chart').count(), 3);
    assert.equal(await page.locator(`tr#budget-${env.namespace}-${BUDGET}[data-phase="Active"]`).count(), 1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'cockpit-active.png'), fullPage: true });
  });

  it('does not show a namespace the token may not read, in the page, the stream or a manifest', async () => {
    const html = await browser.page.content();
    assert.doesNotMatch(html, new RegExp(hidden));
    assert.doesNotMatch(html, /hidden-budget|hidden-agent/);
    const asViewer = { headers: { authorization: `Bearer ${viewerToken}` } };
    const page = await (await fetch(cockpitUrl, asViewer)).text();
    assert.match(page, new RegExp(`budget-${env.namespace}-${BUDGET}`));
    assert.doesNotMatch(page, new RegExp(hidden));
    const manifest = await fetch(
      new URL(`manifest/tokenbudgets/${hidden}/hidden-budget`, cockpitUrl),
      asViewer,
    );
    assert.equal(manifest.status, 404);
    const own = await fetch(
      new URL(`manifest/tokenbudgets/${env.namespace}/${BUDGET}`, cockpitUrl),
      asViewer,
    );
    assert.equal(own.status, 200);
    assert.match(await own.text(), /kind: TokenBudget/);
  });

  it('shows a budget crossing within seconds, without a reload', async (t) => {
    const { page } = browser;
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    for (let i = 0; i < 40 && served() < 0.8 * LIMIT; i++) await call('writer', 'drafting', 1_000);
    const warning = await eventually(
      'the budget status says Warning',
      async () => {
        const budget = await env.client.get(tokenBudgets, { namespace: env.namespace, name: BUDGET });
        return budget?.status?.phase === 'Warning' ? performance.now() : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    await page.waitForSelector(`tr#budget-${env.namespace}-${BUDGET}[data-phase="Warning"]`, {
      timeout: CROSSING_SHOWN_MS,
    });
    const shownAfterMs = performance.now() - warning;
    t.diagnostic(`status Warning → shown on the open page after ${Math.round(shownAfterMs)} ms`);
    assert.equal(
      await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded),
      true,
    );
    const row = await page.textContent(`tr#budget-${env.namespace}-${BUDGET}`);
    assert.match(row ?? '', /Warning/);
    assert.match(row ?? '', /Alert, Degrade/);
    await page.screenshot({ path: join(OUTPUT_DIR, 'cockpit-warning.png'), fullPage: true });
    await page.screenshot({ path: join(OUTPUT_DIR, 'cockpit-top.png') });
  });
});
