// How heavy and how fast the cockpit page is for 100 agents: against a real API server holding 100
// AgentUsageLedgers (a day of hourly usage each: 3 use cases × 2 models an hour) and 12 TokenBudgets
// in 4 namespaces, the cockpit as `agent-governor cockpit` serves it (in this process), signed in with
// a ServiceAccount token that may read all four. It measures the server's answer to GET / — the first
// (the cluster read and the SubjectAccessReviews) and then warm — the HTML's size (and gzipped), and
// in Debian's headless Chromium the navigation: response end, DOMContentLoaded, load.
//
//   npm run bench:cockpit [-- --agents 100 --requests 30 --loads 5]
import { randomBytes } from 'node:crypto';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { agentUsageLedgers, tokenBudgets } from '../agents/governor-resources.js';
import { applyBatch } from '../apis/ledger/apply-batch.js';
import { emptyLedger } from '../apis/ledger/ledger-name.js';
import { LATENCY_BUCKETS_MS, type UsageEntry } from '../apis/usage-batch.js';
import { SESSION_COOKIE, startCockpit } from '../cli/cockpit/cockpit-server.js';
import { namespaces } from '../runtime/kube/resources.js';
import { launchChromium } from '../testing/headless-chromium.js';
import { servicesEnv } from '../testing/services-fixture.js';
import { summarize } from './sidecar-overhead/latency-summary.js';

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '100' },
    requests: { type: 'string', default: '30' },
    loads: { type: 'string', default: '5' },
  },
});
const agentCount = Number(values.agents);
const requests = Number(values.requests);
const loads = Number(values.loads);
if (![agentCount, requests, loads].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error('--agents, --requests and --loads must be whole numbers above 0');
}
const NAMESPACES = 4;
const USE_CASES = ['triage', 'drafting', 'summarize'];
const MODELS = ['gpt-4o', 'gpt-4o-mini'];
const HOUR = 3_600_000;

/** A day of usage up to `now`: every hour, each use case on each model. */
function dayOfUsage(now: number, seed: number): UsageEntry[] {
  const entries: UsageEntry[] = [];
  for (let h = 23; h >= 0; h--) {
    const minute = new Date(Math.floor((now - h * HOUR) / 60_000) * 60_000).toISOString();
    USE_CASES.forEach((useCase, u) => {
      MODELS.forEach((model, m) => {
        const requests = 1 + ((seed + h * 7 + u * 3 + m) % 20);
        const latencyBuckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
        latencyBuckets[3] = requests;
        entries.push({
          minute,
          model,
          useCase,
          requests,
          inputTokens: requests * (400 + u * 100),
          outputTokens: requests * 120,
          cachedInputTokens: 0,
          estimatedTokens: 0,
          costMicros: requests * (m === 0 ? 2_000 : 150),
          outcomes: { Success: requests },
          latencyBuckets,
        });
      });
    });
  }
  return entries;
}

const loadAtStart = loadavg()[0] ?? 0;
const env = await servicesEnv();
const run = randomBytes(3).toString('hex');
const spaces = Array.from({ length: NAMESPACES }, (_, i) => `bench-cockpit-${run}-${i}`);
const now = Date.now();
let cockpit: Awaited<ReturnType<typeof startCockpit>> | undefined;
try {
  const populatedAt = performance.now();
  for (const name of spaces) await env.client.create(namespaces, { metadata: { name } });
  await Promise.all(
    Array.from({ length: agentCount }, async (_, i) => {
      const agent = `agent-${String(i).padStart(3, '0')}`;
      const namespace = spaces[i % NAMESPACES] ?? '';
      const batch = {
        apiVersion: 'governor.agents.dev/v1alpha1' as const,
        kind: 'UsageBatch' as const,
        agent: { namespace, name: agent },
        instance: 'bench',
        sequence: 1,
        sentAt: new Date(now).toISOString(),
        entries: dayOfUsage(now, i),
      };
      await env.client.create(agentUsageLedgers, {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'AgentUsageLedger',
        metadata: { namespace, name: agent },
        spec: applyBatch(emptyLedger(agent), batch, new Date(now)).ledger,
      });
    }),
  );
  for (const [n, namespace] of spaces.entries()) {
    for (const team of ['a', 'b', 'c']) {
      const name = `team-${team}-daily`;
      await env.client.create(tokenBudgets, {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'TokenBudget',
        metadata: { namespace, name },
        spec: {
          agentSelector: { matchLabels: { team } },
          period: { reset: 'Daily', timeZone: 'UTC' },
          limits: { tokens: 5_000_000, currency: 'USD' },
          unpricedModels: 'HighestKnownPrice',
          thresholds: [
            { percent: 75, actions: ['Alert', 'Degrade'] },
            { percent: 100, actions: ['Suspend'] },
          ],
          forecast: { alertPercent: 90 },
        },
      });
      const percent = 40 + n * 15;
      await env.client.patchStatus(
        tokenBudgets,
        { namespace, name },
        {
          type: 'merge',
          body: {
            status: {
              phase: percent >= 75 ? 'Warning' : 'Active',
              percent,
              used: { tokens: percent * 50_000 },
              forecast: {
                percent: percent + 30,
                tokens: (percent + 30) * 50_000,
                method: 'TimeOfDay',
                aboveAlert: percent + 30 >= 90,
              },
              activeActions: percent >= 75 ? ['Alert', 'Degrade'] : [],
              periodEnd: new Date(Math.ceil(now / 86_400_000) * 86_400_000).toISOString(),
            },
          },
        },
      );
    }
  }
  const viewer = `bench-viewer-${run}`;
  const kubectl = (args: string[]) => env.cluster.kubectl(args, { check: true });
  await kubectl(['create', 'serviceaccount', viewer, '-n', spaces[0] ?? '']);
  await kubectl([
    'create',
    'clusterrole',
    viewer,
    '--verb=get,list',
    '--resource=tokenbudgets.governor.agents.dev',
  ]);
  await kubectl([
    'create',
    'clusterrolebinding',
    viewer,
    `--clusterrole=${viewer}`,
    `--serviceaccount=${spaces[0]}:${viewer}`,
  ]);
  const token = (await kubectl(['create', 'token', viewer, '-n', spaces[0] ?? ''])).stdout.trim();
  const populateSeconds = (performance.now() - populatedAt) / 1000;

  cockpit = await startCockpit({ client: env.client, reviews: env.transport, address: '127.0.0.1', port: 0 });
  const login = await fetch(new URL('login', cockpit.url), {
    method: 'POST',
    body: new URLSearchParams({ token }),
    redirect: 'manual',
  });
  const cookie = /governor_cockpit=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (login.status !== 303 || !cookie)
    throw new Error(`sign-in failed: ${login.status} ${await login.text()}`);
  const get = async () => {
    const began = performance.now();
    const response = await fetch(cockpit?.url ?? '', { headers: { cookie: `${SESSION_COOKIE}=${cookie}` } });
    const html = await response.text();
    if (response.status !== 200) throw new Error(`GET / answered ${response.status}: ${html.slice(0, 200)}`);
    return { ms: performance.now() - began, html };
  };
  const first = await get();
  const shownAgents = (first.html.match(/<tr data-agent=/g) ?? []).length;
  if (shownAgents !== agentCount) throw new Error(`the page shows ${shownAgents} agents, not ${agentCount}`);
  const warm: number[] = [];
  for (let i = 0; i < requests; i++) warm.push((await get()).ms);
  const server = summarize(warm);

  const browser = await launchChromium();
  const navigation: { response: number; dom: number; load: number }[] = [];
  try {
    await browser.context.addCookies([{ name: SESSION_COOKIE, value: cookie, url: cockpit.url }]);
    for (let i = 0; i < loads; i++) {
      await browser.page.goto(cockpit.url, { waitUntil: 'load' });
      navigation.push(
        await browser.page.evaluate(() => {
          // Runs in the page: its Performance API, typed here by what is read of it.
          const timing = performance as unknown as {
            getEntriesByType(
              type: string,
            ): { responseEnd: number; domContentLoadedEventEnd: number; loadEventEnd: number }[];
          };
          const [entry] = timing.getEntriesByType('navigation');
          return {
            response: entry?.responseEnd ?? Number.NaN,
            dom: entry?.domContentLoadedEventEnd ?? Number.NaN,
            load: entry?.loadEventEnd ?? Number.NaN,
          };
        }),
      );
    }
  } finally {
    await browser.close();
  }
  const median = (key: 'response' | 'dom' | 'load') => summarize(navigation.map((n) => n[key])).median;
  const bytes = Buffer.byteLength(first.html);
  const rows: [string, string][] = [
    ['agents / namespaces / budgets shown', `${agentCount} / ${NAMESPACES} / ${NAMESPACES * 3}`],
    [
      'HTML size',
      `${(bytes / 1024).toFixed(1)} KiB (${(gzipSync(first.html).length / 1024).toFixed(1)} KiB gzipped)`,
    ],
    ['GET /, first (cluster read, SubjectAccessReviews)', `${first.ms.toFixed(0)} ms`],
    [
      `GET /, warm (${server.count} requests): median / p99`,
      `${server.median.toFixed(1)} ms / ${server.p99.toFixed(1)} ms`,
    ],
    [`Chromium (${loads} loads, median): response end`, `${median('response').toFixed(0)} ms`],
    ['Chromium: DOMContentLoaded / load', `${median('dom').toFixed(0)} ms / ${median('load').toFixed(0)} ms`],
  ];
  console.log(`\n## The cockpit page for ${agentCount} agents\n`);
  console.log(
    `Node ${process.version}, ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at start, ` +
      `${(loadavg()[0] ?? 0).toFixed(2)} at the end; population created in ${populateSeconds.toFixed(1)} s\n`,
  );
  console.log('| measure | value |');
  console.log('| --- | --- |');
  for (const [measure, value] of rows) console.log(`| ${measure} | ${value} |`);
} finally {
  await cockpit?.close();
  for (const name of spaces) await env.client.delete(namespaces, { name }).catch(() => undefined);
  await env.cluster
    .kubectl(['delete', 'clusterrole,clusterrolebinding', `bench-viewer-${run}`])
    .catch(() => undefined);
  await env.transport.close();
}
