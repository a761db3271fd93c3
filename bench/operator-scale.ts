// The operator at scale, on a control plane of its own:
//   - cold start of `agent-governor operator` (a real process) against 1,000 agent Deployments and
//     100 each of TokenBudgets, FallbackRoutes and AgentSLOs: time to /readyz, to every object
//     Current (Ready=True for its generation), and to the last agent's complete effective policy;
//   - the operator's peak resident memory (sampled from /proc every 100 ms), at cold start and over
//     the whole run;
//   - usage ingest: batches per second acknowledged (durably in the ledgers) with N fake sidecars
//     posting real UsageBatch documents with real ServiceAccount tokens;
//   - budget crossing → enforcement: p50 / p99 from the crossing batch to the sidecar's long-poll
//     client holding the Exhausted policy.
//
//   npm run bench:operator [-- --agents 1000 --teams 100 --namespaces 10 --senders 50 --ingest-seconds 15 --trials 30]
//                          [-- --profile DIR]   (a CPU profile of the operator, written when it stops)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { leanProcessEnvironment, OPERATOR_NODE_FLAGS } from '../cli/node-flags.js';
import { namespaces } from '../runtime/kube/resources.js';
import { servicesEnv } from '../testing/services-fixture.js';
import { type ColdStart, coldStart } from './operator/cold-start.js';
import { enforcementTrials } from './operator/enforcement-trials.js';
import { createPopulation } from './operator/scale-population.js';
import { ingestLoad } from './operator/usage-ingest-load.js';
import { summarize } from './sidecar-overhead/latency-summary.js';

const TARGETS = { allReadySeconds: 30, rssMb: 150, enforcementP99Ms: 1_000 };

const { values } = parseArgs({
  options: {
    agents: { type: 'string', default: '1000' },
    teams: { type: 'string', default: '100' },
    namespaces: { type: 'string', default: '10' },
    senders: { type: 'string', default: '50' },
    'ingest-seconds': { type: 'string', default: '15' },
    'calls-per-batch': { type: 'string', default: '10' },
    trials: { type: 'string', default: '30' },
    /** A CPU profile of the operator (.cpuprofile) and its metrics after the cold start, into this directory. */
    profile: { type: 'string' },
    /**
     * Flags for the operator's Node (space-separated). Default: those `agent-governor operator`
     * re-executes itself with (cli/node-flags.ts; Node 20 cannot, so they are passed); "" for Node's own.
     */
    'node-flags': { type: 'string', default: OPERATOR_NODE_FLAGS.join(' ') },
  },
});
const agents = positive('agents', values.agents);
const teams = positive('teams', values.teams);
const namespaceCount = positive('namespaces', values.namespaces);
const senders = positive('senders', values.senders);
const ingestSeconds = positive('ingest-seconds', values['ingest-seconds']);
const callsPerBatch = positive('calls-per-batch', values['calls-per-batch']);
const trials = positive('trials', values.trials);
// Ingest cannot exhaust a budget; a trial's single batch does.
const BUDGET_TOKENS = 1_000_000_000;
if (trials + senders > teams) {
  throw new Error(
    `--trials ${trials} + --senders ${senders} must not exceed --teams ${teams}: each uses a team of its own`,
  );
}

// With V8 flags, the malloc settings the command re-executes itself with too (as it runs in the
// image); a value given in the environment wins. `--node-flags ""` measures Node's defaults.
if (values['node-flags']) Object.assign(process.env, leanProcessEnvironment(process.env));
const mallocSettings = Object.entries(process.env)
  .filter(([name]) => name.startsWith('MALLOC_'))
  .map(([name, value]) => `${name}=${value}`)
  .join(' ');
const dir = mkdtempSync(join(tmpdir(), 'bench-operator-'));
if (values.profile) mkdirSync(values.profile, { recursive: true });
const loadAtStart = loadavg()[0] ?? 0;
const env = await servicesEnv();
let run: ColdStart | undefined;
try {
  const operatorNamespace = `bench-governor-${process.pid}`;
  await env.client.create(namespaces, { metadata: { name: operatorNamespace } });
  const populatedAt = performance.now();
  const population = await createPopulation(
    env.client,
    env.cluster,
    { namespaces: namespaceCount, agents, teams, budgetTokens: BUDGET_TOKENS },
    dir,
    `bench-agents-${process.pid}`,
  );
  const populateSeconds = (performance.now() - populatedAt) / 1000;
  console.error(
    `populated ${agents} Deployments and ${teams} of each kind in ${populateSeconds.toFixed(1)} s`,
  );

  run = await coldStart({
    client: env.client,
    kubeconfig: env.cluster.kubeconfig,
    operatorNamespace,
    population,
    deadlineMs: 180_000,
    // A profile run keeps the operator's info log (publishes, phases, actions) to line up with the trials.
    ...(values.profile ? { logLevel: 'info' } : {}),
    nodeArgs: [
      ...(values['node-flags'] ?? '').split(/\s+/).filter(Boolean),
      ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${values.profile}`] : []),
    ],
  });
  const coldStartRssMb = run.rssPeakMb;
  if (values.profile) {
    // What the runtime counted during the cold start (reconciles, durations, queue depths), beside the profile.
    const metrics = await (await fetch(`${run.operator.metricsUrl}/metrics`)).text();
    writeFileSync(join(values.profile, 'operator-metrics-after-cold-start.txt'), metrics);
  }
  console.error('cold start measured; usage ingest next');

  const ingest = await ingestLoad({
    servicesUrl: run.operator.servicesUrl,
    tokenFiles: population.tokenFiles,
    caFile: population.caFile,
    senders: population.teams.slice(0, senders).map((team) => ({
      namespace: team.namespace,
      agent: team.agents[1] as string,
    })),
    seconds: ingestSeconds,
    callsPerBatch,
  });
  console.error('ingest measured; enforcement trials next');

  const enforcement = await enforcementTrials({
    servicesUrl: run.operator.servicesUrl,
    tokenFiles: population.tokenFiles,
    caFile: population.caFile,
    teams: population.teams.slice(senders, senders + trials),
    budgetTokens: BUDGET_TOKENS,
  });
  const peakMb = run.stopRunSampling();
  if (values.profile) {
    writeFileSync(
      join(values.profile, 'enforcement-timeline.json'),
      JSON.stringify(enforcement.timeline, null, 1),
    );
    writeFileSync(join(values.profile, 'operator-output.log'), run.operator.output());
    const metrics = await (await fetch(`${run.operator.metricsUrl}/metrics`)).text();
    writeFileSync(join(values.profile, 'operator-metrics-at-the-end.txt'), metrics);
  }

  const fromAck = summarize(enforcement.fromAckMs);
  const fromPost = summarize(enforcement.fromPostMs);
  const seconds = (ms: number | undefined) =>
    ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`;
  const allReadyMs = Math.max(
    run.currentMs.budgets ?? Number.POSITIVE_INFINITY,
    run.currentMs.routes ?? Number.POSITIVE_INFINITY,
    run.currentMs.slos ?? Number.POSITIVE_INFINITY,
    run.lastPolicyMs ?? Number.POSITIVE_INFINITY,
  );
  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  const rows: [string, string, string][] = [
    ['process start → start-up line', seconds(run.startupLineMs), ''],
    ['process start → /readyz (every informer listed)', seconds(run.readyzMs), ''],
    [`→ all ${teams} TokenBudgets Current`, seconds(run.currentMs.budgets), ''],
    [`→ all ${teams} FallbackRoutes Current`, seconds(run.currentMs.routes), ''],
    [`→ all ${teams} AgentSLOs Current`, seconds(run.currentMs.slos), ''],
    [
      `→ last of ${agents} effective policies served complete (${run.policiesServed} served)`,
      seconds(run.lastPolicyMs),
      '',
    ],
    [
      '**cold start to all-Ready** (the latest of the four above)',
      seconds(Number.isFinite(allReadyMs) ? allReadyMs : undefined),
      `≤ ${TARGETS.allReadySeconds} s: ${verdict(allReadyMs <= TARGETS.allReadySeconds * 1000)}`,
    ],
    [
      'operator RSS, peak during cold start',
      `${coldStartRssMb.toFixed(0)} MB`,
      `≤ ${TARGETS.rssMb} MB: ${verdict(coldStartRssMb <= TARGETS.rssMb)}`,
    ],
    [
      'operator RSS, peak over the whole run',
      `${peakMb.toFixed(0)} MB`,
      `≤ ${TARGETS.rssMb} MB: ${verdict(peakMb <= TARGETS.rssMb)}`,
    ],
    [
      `usage ingest, ${senders} sidecars × 1 batch in flight, ${ingest.seconds.toFixed(0)} s`,
      `${(ingest.batches / ingest.seconds).toFixed(0)} batches/s (${(ingest.calls / ingest.seconds).toFixed(0)} calls/s)`,
      `${ingest.batches} acknowledged, ${ingest.retries} retried`,
    ],
    [
      'usage ingest, post → acknowledgement',
      `p50 ${fromAckText(ingest.ackLatency.median)}, p99 ${fromAckText(ingest.ackLatency.p99)}`,
      '',
    ],
    [
      `budget crossing → long-poll client holds Exhausted (${fromAck.count} trials${enforcement.missed ? `, ${enforcement.missed} missed` : ''}), from the ack`,
      `p50 ${fromAckText(fromAck.median)}, p99 ${fromAckText(fromAck.p99)}`,
      `p99 ≤ ${TARGETS.enforcementP99Ms} ms: ${verdict(enforcement.missed === 0 && fromAck.p99 <= TARGETS.enforcementP99Ms)}`,
    ],
    [
      '… from the post of the crossing batch',
      `p50 ${fromAckText(fromPost.median)}, p99 ${fromAckText(fromPost.p99)}`,
      '',
    ],
  ];
  console.log(
    `\n## Operator at scale (${agents} agents in ${namespaceCount} namespaces, ${teams} budgets / routes / SLOs)\n`,
  );
  console.log(
    `Node ${process.version}${` (operator: ${values['node-flags'] || "Node's defaults"}${mallocSettings ? `, ${mallocSettings}` : ''})`}, ${cpus().length} cores, load average ${loadAtStart.toFixed(2)} at start, ` +
      `${(loadavg()[0] ?? 0).toFixed(2)} at the end; population created in ${populateSeconds.toFixed(1)} s\n`,
  );
  console.log('| measure | value | target |');
  console.log('| --- | --- | --- |');
  for (const [measure, value, target] of rows) console.log(`| ${measure} | ${value} | ${target} |`);
} finally {
  await run?.operator.stop('SIGTERM');
  await env.transport.close();
  rmSync(dir, { recursive: true, force: true });
}

function fromAckText(ms: number): string {
  return Number.isNaN(ms) ? '—' : `${ms.toFixed(0)} ms`;
}

function positive(name: string, text: string | undefined): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`--${name} must be a whole number above 0, got ${text}`);
  return value;
}
