// 10,000 simulated sidecars against 2 `agent-governor services` replicas with the Redis usage store
// (docs/adr/0063): every sidecar holds the policy long-poll, posts a usage batch every 2 s and —
// unless `--no-leases` — holds a budget lease (docs/adr/0062), over HTTPS with its ServiceAccount
// token (bench/scale/simulated-sidecar.ts, lease-step.ts), all in this process; the long-polls in
// `--poll-workers` worker threads of it (bench/scale/poll-workers.ts, docs/adr/0073). The replicas, the operator, redis-server and the control plane each run in a process of their own
// (bench/scale/scale-cluster.ts). It measures, in order:
//   1. at `--small-pods` sidecars, then at `--pods`: API-server writes/s over `--window` seconds
//      (kube-apiserver's apiserver_request_total), the replicas' RSS, and at `--pods` the sustained
//      ingest (batches/s, calls/s) with the replicas' CPU per batch → batches per core-second;
//   2. the 75 % crossing: one batch takes the budget past 75 %; from its post and its ack until every
//      sidecar holds a policy saying Warning (p50 / p99);
//   3. the 100 % crossing and the overshoot: every sidecar spends so that the budget fills in about
//      `--spend-seconds`, stopping once its policy (or its lease's count) says Exhausted; from the ack
//      that took the total past the limit until every sidecar holds Exhausted, and what the store
//      recorded past the limit, beside the bound (N − 1)(L − U) of sidecar/budget/README.md and the
//      lease bound (calls in flight × their reservation, docs/adr/0062). With leases the holders stop
//      short of the limit (their slices shrink to nothing), so once the spend stalls one batch of a
//      non-holder takes the total to the limit exactly, and the crossing is timed from its ack.
// Each phase is recorded with the way it reached the sidecar first: a lease answer or the long-poll.
//
//   npm run bench:scale [-- --pods 10000 --small-pods 1000 --window 30]   (run it with nice)
//   npm run bench:scale -- --fast                                          (smoke: 600 pods, short windows)
//   npm run bench:scale -- --cpu-prof-dir /tmp/prof …                      (CPU profiles of replicas, operator)
//   npm run bench:scale -- --poll-workers 0 …                              (every long-poll in the main thread)
//   npm run bench:scale -- --budget-lease-seconds 20 …                      (the replicas' lease time far from a threshold)
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { request } from 'undici';
import { tokenBudgets } from '../agents/governor-resources.js';
import { metricValue } from '../testing/eventually.js';
import { eventually, usageBatchOf } from '../testing/services-fixture.js';
import { threadCpuMs } from './admission/process-cpu.js';
import { windowWrites, writesByResource } from './scale/apiserver-writes.js';
import { scaleChainReaders } from './scale/chain-readers.js';
import { type ChainLinks, followChain, publishTimes } from './scale/crossing-chain.js';
import { crossingDelays, overshoot } from './scale/crossing-report.js';
import {
  type Fanout,
  fanoutBetween,
  type HistogramReading,
  type LoopDelay,
  readHistogram,
  readLoopDelays,
} from './scale/fanout-report.js';
import { LeaseStep, type LeaseTally } from './scale/lease-step.js';
import { cpuMs, type LoopMoment, type LoopSources, loopMoment, loopUseBetween } from './scale/loop-use.js';
import { InProcessPoll } from './scale/policy-poll.js';
import { PollWorkers } from './scale/poll-workers.js';
import { BUDGET_NAME, startScaleCluster } from './scale/scale-cluster.js';
import { type LoopUse, printScaleReport, type ScaleWindow } from './scale/scale-report.js';
import { SidecarLink } from './scale/sidecar-link.js';
import { SimulatedSidecar, type SpendPlan } from './scale/simulated-sidecar.js';
import { residentMegabytes } from './sidecar-overhead/bench-processes.js';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    'small-pods': { type: 'string', default: '1000' },
    agents: { type: 'string', default: '10' },
    replicas: { type: 'string', default: '2' },
    window: { type: 'string', default: '30' },
    'interval-ms': { type: 'string', default: '2000' },
    'calls-per-batch': { type: 'string', default: '5' },
    'usage-connections': { type: 'string', default: '256' },
    'spend-seconds': { type: 'string', default: '10' },
    'limit-tokens': { type: 'string', default: '10000000000' },
    'no-leases': { type: 'boolean', default: false },
    // The replicas' lease time far from a threshold (--budget-lease-seconds); holders renew at half.
    'budget-lease-seconds': { type: 'string', default: '5' },
    // Worker threads holding the sidecars' policy long-polls (0: in the main thread), docs/adr/0073.
    'poll-workers': { type: 'string', default: '2' },
    // Follow the policy by long-polls, a request per change, instead of the sidecar's watch (ADR 0075).
    'long-poll': { type: 'boolean', default: false },
    // CPU profiles of the replicas and the operator into this directory (node --cpu-prof); profile
    // the benchmark's own process with `node --cpu-prof dist/bench/services-scale.js …`.
    'cpu-prof-dir': { type: 'string' },
    fast: { type: 'boolean', default: false },
  },
});
const fast = values.fast;
const int = (name: keyof typeof values, fastValue: number) => {
  const value = fast ? fastValue : Number(values[name]);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`--${name} must be a whole number ≥ 1, got ${values[name]}`);
  return value;
};
const pods = int('pods', 600);
const smallPods = int('small-pods', 100);
const agentCount = int('agents', 10);
const replicaCount = int('replicas', 2);
const windowSeconds = int('window', 10);
const intervalMs = int('interval-ms', 2000);
const callsPerBatch = int('calls-per-batch', 5);
const usageConnections = int('usage-connections', 64);
const spendSeconds = int('spend-seconds', 6);
const limitTokens = int('limit-tokens', 1e10);
const leaseSeconds = int('budget-lease-seconds', Number(values['budget-lease-seconds']));
const pollWorkerCount = Number(values['poll-workers']);
if (!Number.isInteger(pollWorkerCount) || pollWorkerCount < 0)
  throw new Error(`--poll-workers must be a whole number ≥ 0, got ${values['poll-workers']}`);
if (smallPods >= pods) throw new Error(`--small-pods (${smallPods}) must be fewer than --pods (${pods})`);

const openFiles = Number(/^Max open files\s+(\d+)/m.exec(readFileSync('/proc/self/limits', 'utf8'))?.[1]);
const leasing = !values['no-leases'];
// A long-poll connection per sidecar, in whichever thread holds it; the usage (and lease) pools per
// replica; each worker thread's own event loop (its epoll and wake-up descriptors) and links.
const filesNeeded =
  pods + replicaCount * ((leasing ? 2 : 1) * usageConnections + 16) + 16 * pollWorkerCount + 512;
if (openFiles < filesNeeded) {
  throw new Error(
    `${pods} sidecars need about ${filesNeeded} open files, the limit is ${openFiles}: raise it (ulimit -n ${filesNeeded}) or lower --pods`,
  );
}

const loadAtStart = loadavg();
const perReplica = Math.ceil(pods / replicaCount);
const cluster = await startScaleCluster({
  agents: agentCount,
  replicas: replicaCount,
  maxWaiters: perReplica + 1_000,
  limitTokens,
  leaseSeconds,
  ...(values['cpu-prof-dir'] ? { cpuProfileDir: values['cpu-prof-dir'] } : {}),
});
const links = cluster.replicas.map(
  (r) => new SidecarLink(r.url, cluster.ca, cluster.token, { usageConnections }),
);
const pollWorkers =
  pollWorkerCount > 0
    ? new PollWorkers({
        urls: cluster.replicas.map((r) => r.url),
        ca: cluster.ca,
        token: cluster.token,
        workers: pollWorkerCount,
        watch: !values['long-poll'],
      })
    : undefined;

const loopSources: LoopSources = {
  replicaPids: cluster.replicas.map((r) => r.process.pid),
  operatorPid: cluster.operator.pid,
  redisPid: cluster.redis.pid,
  workers: () => pollWorkers?.loopUse() ?? [],
};
const loopsNow = () => loopMoment(loopSources);
const loopUseSince = (from: LoopMoment) => loopUseBetween(from, loopsNow());

// What was acknowledged, in order of the acks: the store's total for the budget (exactly once).
const tally = {
  batches: 0,
  tokens: 0,
  limitReachedAt: undefined as number | undefined,
  loopsAtLimit: undefined as LoopMoment | undefined,
};
const mode = { tokens: callsPerBatch * 110 };
const plan: SpendPlan = {
  intervalMs,
  calls: callsPerBatch,
  tokens: () => mode.tokens,
  onAck(tokens, at) {
    tally.batches++;
    tally.tokens += tokens;
    if (tally.limitReachedAt === undefined && tally.tokens >= limitTokens) {
      tally.limitReachedAt = at;
      tally.loopsAtLimit = loopsNow();
    }
  },
};
const leaseTally: LeaseTally = { asks: 0, answered: 0, failed: 0, late: 0, unsupported: 0 };
const sidecars: SimulatedSidecar[] = [];
const began = performance.now();
/** A line on stderr per step, with the time since start and the load average. */
const progress = (what: string) =>
  console.error(
    `[bench:scale ${((performance.now() - began) / 1_000).toFixed(0)} s, load ${(loadavg()[0] as number).toFixed(1)}] ${what}`,
  );

async function open(count: number): Promise<void> {
  const opening = performance.now();
  while (sidecars.length < count) {
    const step = Math.min(500, count - sidecars.length);
    const started = Array.from({ length: step }, () => {
      const i = sidecars.length;
      const agent = { namespace: cluster.namespace, name: cluster.agents[i % agentCount] as string };
      const replica = i % replicaCount;
      const link = links[replica] as SidecarLink;
      // The largest call: what a batch spends, spread over its calls.
      const callTokens = () => Math.max(1, Math.ceil(mode.tokens / callsPerBatch));
      const lease = leasing
        ? new LeaseStep(
            `scale-pod-${i}`,
            cluster.budget,
            agent,
            link.leaseTransport(),
            leaseTally,
            callTokens,
            (_, at) => sidecar.leaseCounted(at),
          )
        : undefined;
      const sidecar: SimulatedSidecar = new SimulatedSidecar(
        `scale-pod-${i}`,
        agent,
        cluster.budget,
        link,
        plan,
        pollWorkers
          ? pollWorkers.poll(i, replica, agent)
          : new InProcessPoll(link, agent, !values['long-poll']),
        lease,
      );
      sidecars.push(sidecar);
      return sidecar.start();
    });
    await Promise.all(started);
  }
  const openedAt = performance.now();
  // Every sidecar holds a policy now. A policy change (usage counters, every 30 s per agent) answers
  // all polls of its agent at once, so the held count dips while the sidecars poll again.
  const held = await eventually(
    () => servicesMetric('governor_operator_sidecar_policy_waiters'),
    (waiting) => waiting >= 0.9 * count,
    `${count} held long-polls on the replicas`,
    120_000,
  ).catch((err: Error) => {
    progress(`not 90 % held: ${err.message}`);
    return Number.NaN;
  });
  progress(
    `${count} sidecars hold a policy and send usage; ${held} polls held on the replicas (first policies in ${((openedAt - opening) / 1_000).toFixed(0)} s, then ${((performance.now() - openedAt) / 1_000).toFixed(0)} s to 90 % held)`,
  );
}

/** A metric summed over the replicas. */
async function servicesMetric(name: string, labels: Record<string, string> = {}): Promise<number> {
  return (await replicaMetrics()).reduce((sum, text) => sum + metricValue(text, name, labels), 0);
}
/** Each replica's /metrics text. */
const replicaMetrics = () =>
  Promise.all(
    cluster.replicas.map(async (replica) => (await request(`${replica.metricsUrl}/metrics`)).body.text()),
  );
/**
 * The replicas' fan-out histogram (one observation per agent's policy change that answered held
 * polls), summed, and each replica's event-loop delay since its previous scrape.
 */
const replicaFanouts = async (): Promise<FanoutReading> => {
  const texts = await replicaMetrics();
  return {
    histogram: readHistogram(texts, 'governor_operator_sidecar_policy_fanout_seconds'),
    arrivals: readHistogram(texts, 'governor_operator_sidecar_policy_arrival_seconds'),
    delays: readLoopDelays(texts).filter((d): d is LoopDelay => d !== undefined),
  };
};
interface FanoutReading {
  histogram: HistogramReading;
  /** The mirrors' arrivals at the replicas, from the publish. */
  arrivals: HistogramReading;
  delays: LoopDelay[];
}
/** What fanned out between two readings, with the replicas' event-loop delay and the mirrors' arrivals in between. */
const fanoutSince = (before: FanoutReading, after: FanoutReading): Fanout => ({
  ...fanoutBetween(before.histogram, after.histogram),
  loopDelays: after.delays,
  arrival: fanoutBetween(before.arrivals, after.arrivals),
});
const REQUESTS = 'governor_operator_sidecar_requests_total';
const LEASES = 'governor_operator_budget_leases_total';
const POLICIES_SENT = 'governor_operator_sidecar_policies_sent_total';

const apiWrites = async () =>
  writesByResource((await cluster.env.cluster.kubectl(['get', '--raw', '/metrics'], { check: true })).stdout);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const rss = () => cluster.replicas.map((r) => residentMegabytes(r.process.pid));

async function measureWindow(holders: number): Promise<ScaleWindow> {
  await sleep(Math.max(5_000, 2 * intervalMs)); // every sidecar has sent since the last were opened
  const rssMb = rss();
  const writesBefore = await apiWrites();
  const batchesBefore = tally.batches;
  const asksBefore = { ...leaseTally };
  const answersBefore = await servicesMetric(POLICIES_SENT);
  const servedBefore = await servicesMetric(LEASES);
  const leaseCodes = async () =>
    Object.fromEntries(
      await Promise.all(
        ['200', '503', '400', '403'].map(
          async (code) => [code, await servicesMetric(REQUESTS, { service: 'budget-leases', code })] as const,
        ),
      ),
    );
  const codesBefore = await leaseCodes();
  const replicaCpu = () => cluster.replicas.reduce((sum, r) => sum + cpuMs(r.process.pid), 0);
  const mainThreadCpu = () => threadCpuMs(process.pid, process.pid) ?? Number.NaN;
  const cpuBefore = [
    replicaCpu(),
    cpuMs(cluster.redis.pid),
    cpuMs(cluster.operator.pid),
    cpuMs(process.pid),
    mainThreadCpu(),
  ];
  const windowStart = performance.now();
  await sleep(windowSeconds * 1_000);
  const seconds = (performance.now() - windowStart) / 1_000;
  const cpuAfter = [
    replicaCpu(),
    cpuMs(cluster.redis.pid),
    cpuMs(cluster.operator.pid),
    cpuMs(process.pid),
    mainThreadCpu(),
  ];
  const writes = windowWrites(writesBefore, await apiWrites(), seconds);
  const answers = (await servicesMetric(POLICIES_SENT)) - answersBefore;
  const served = (await servicesMetric(LEASES)) - servedBefore;
  const codesAfter = await leaseCodes();
  const codes = Object.entries(codesAfter)
    .map(
      ([code, n]) =>
        `${code} ${((n - (codesBefore[code] ?? 0)) / ((performance.now() - windowStart) / 1_000)).toFixed(0)}/s`,
    )
    .join(', ');
  const per = (i: number) => ((cpuAfter[i] as number) - (cpuBefore[i] as number)) / 1_000 / seconds;
  progress(
    `window at ${holders} pods: ${((tally.batches - batchesBefore) / seconds).toFixed(0)} batches/s, ${((leaseTally.asks - asksBefore.asks) / seconds).toFixed(0)} lease asks/s, ${((leaseTally.answered - asksBefore.answered) / seconds).toFixed(0)}/s answered (${((leaseTally.late - asksBefore.late) / seconds).toFixed(0)}/s of them late) (the replicas answered ${codes})${leaseTally.lastError ? `; last failed ask: ${leaseTally.lastError}` : ''}`,
  );
  return {
    pods: holders,
    writes,
    batchesPerSecond: (tally.batches - batchesBefore) / seconds,
    policyAnswersPerSecond: answers / seconds,
    replicaCpuPerSecond: per(0),
    redisCpuPerSecond: per(1),
    operatorCpuPerSecond: per(2),
    generatorCpuPerSecond: per(3),
    mainThreadCpuPerSecond: per(4),
    asksPerSecond: (leaseTally.asks - asksBefore.asks) / seconds,
    // A late answer in the window may be of an ask that failed before it: never below 0.
    failedAsksPerSecond: Math.max(
      0,
      (leaseTally.failed - leaseTally.late - (asksBefore.failed - asksBefore.late)) / seconds,
    ),
    lateAsksPerSecond: (leaseTally.late - asksBefore.late) / seconds,
    leasesServedPerSecond: served / seconds,
    rssMb,
  };
}

/** Waits until every sidecar holds `phase` (or `timeoutMs` passes); returns when each first held it. */
async function allHold(phase: string, timeoutMs: number): Promise<Array<number | undefined>> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline && sidecars.some((s) => !s.seenAt.has(phase))) await sleep(100);
  return sidecars.map((s) => s.seenAt.get(phase));
}

const probes = cluster.replicas.map(
  (r) => new SidecarLink(r.url, cluster.ca, cluster.token, { usageConnections: 1 }),
);
links.push(...probes);
const chainReaders = scaleChainReaders(cluster, probes);

const rssBase = rss();
let small: ScaleWindow;
let full: ScaleWindow;
let warning: { fromPost: ReturnType<typeof crossingDelays>; fromAck: ReturnType<typeof crossingDelays> };
let exhausted: ReturnType<typeof crossingDelays>;
let warningFanout: Fanout;
let exhaustedFanout: Fanout;
let warningChain: ChainLinks;
let warningPublish: ReturnType<typeof publishTimes>;
let exhaustedPublish: ReturnType<typeof publishTimes>;
let exhaustedChain: ChainLinks;
let warningLoops: LoopUse;
let exhaustedLoops: LoopUse;
let spent: ReturnType<typeof overshoot>;
let statusTokens: number;
let tokensPerSpendBatch: number;
/** What the store had counted when the holders' spend stalled (or reached the limit). */
let holdersStoppedAt = Number.NaN;
try {
  await open(smallPods);
  small = await measureWindow(smallPods);
  await open(pods);
  full = await measureWindow(pods);

  // 75 %: one batch big enough that the total is past 75 % once it is recorded, and was not before.
  const inFlight = pods * callsPerBatch * 110;
  const crossing = Math.ceil(0.75 * limitTokens) - tally.tokens + 2 * inFlight;
  // A connection of its own: the crossing batch does not queue behind the sidecars' posts in this process.
  const link = new SidecarLink((cluster.replicas[0] as { url: string }).url, cluster.ca, cluster.token, {
    usageConnections: 1,
  });
  links.push(link);
  // A usage batch like any other, from an instance of its own.
  const batch = usageBatchOf(cluster.namespace, cluster.agents[0] as string, 'scale-crossing', 1, 1);
  (batch.entries[0] as { inputTokens: number }).inputTokens = crossing - 10;
  const fanoutsBeforeWarning = await replicaFanouts();
  const warningLinks = followChain(chainReaders, 'Warning');
  const postedAt = performance.now();
  const answer = await link.usage(batch);
  const ackedAt = performance.now();
  const loopsAtAck = loopsNow();
  if (answer.status !== 200) throw new Error(`the 75 % crossing batch got HTTP ${answer.status}`);
  plan.onAck(crossing, ackedAt);
  const seenWarning = await allHold('Warning', 30_000);
  warningLoops = loopUseSince(loopsAtAck);
  warningFanout = fanoutSince(fanoutsBeforeWarning, await replicaFanouts());
  warningChain = await warningLinks.stop(ackedAt);
  warningPublish = publishTimes(
    performance.timeOrigin + ackedAt,
    sidecars.flatMap((s) => s.versionOf.get('Warning') ?? []),
  );
  warning = {
    fromPost: crossingDelays(postedAt, seenWarning),
    fromAck: crossingDelays(ackedAt, seenWarning),
  };

  // 100 %: spend the rest in about --spend-seconds at the ingest measured, each sidecar until it holds Exhausted.
  tokensPerSpendBatch = Math.ceil(
    (limitTokens - tally.tokens) / (spendSeconds * Math.max(1, full.batchesPerSecond)),
  );
  mode.tokens = tokensPerSpendBatch;
  // Slower than measured (a busy machine): spend twice as much a batch every --spend-seconds.
  // With leases the slices shrink to nothing short of the limit: the spend stalls there (less than
  // 0.1 % of the limit in a step), and a non-holder's batch then takes the total to the limit.
  const fanoutsBeforeExhausted = await replicaFanouts();
  const exhaustedLinks = followChain(chainReaders, 'Exhausted');
  const spendStart = performance.now();
  let before = tally.tokens;
  while (tally.limitReachedAt === undefined && performance.now() - spendStart < 120_000) {
    await sleep(spendSeconds * 1_000);
    if (leasing && tally.tokens - before < limitTokens / 1_000) break;
    before = tally.tokens;
    if (tally.limitReachedAt === undefined) mode.tokens *= 2;
  }
  tokensPerSpendBatch = mode.tokens;
  holdersStoppedAt = tally.tokens;
  if (leasing && tally.limitReachedAt === undefined) {
    const topUp = usageBatchOf(cluster.namespace, cluster.agents[0] as string, 'scale-crossing', 2, 1);
    const rest = limitTokens - tally.tokens;
    (topUp.entries[0] as { inputTokens: number }).inputTokens = rest - 10;
    const toppedUp = await link.usage(topUp);
    if (toppedUp.status !== 200) throw new Error(`the 100 % crossing batch got HTTP ${toppedUp.status}`);
    plan.onAck(rest, performance.now());
  }
  progress(tally.limitReachedAt === undefined ? 'the limit was not reached' : 'the limit is reached');
  const seenExhausted = await allHold('Exhausted', 60_000);
  exhaustedLoops = loopUseSince(tally.loopsAtLimit ?? loopsNow());
  exhaustedFanout = fanoutSince(fanoutsBeforeExhausted, await replicaFanouts());
  exhausted = crossingDelays(tally.limitReachedAt ?? Number.NaN, seenExhausted);
  exhaustedChain = await exhaustedLinks.stop(tally.limitReachedAt ?? Number.NaN);
  exhaustedPublish = publishTimes(
    performance.timeOrigin + (tally.limitReachedAt ?? Number.NaN),
    sidecars.flatMap((s) => s.versionOf.get('Exhausted') ?? []),
  );
  mode.tokens = 0;
  await sleep(2 * intervalMs + 3_000); // batches in flight are acknowledged
  statusTokens = await eventually(
    async () => {
      const budget = await cluster.env.client.get(tokenBudgets, {
        namespace: cluster.namespace,
        name: BUDGET_NAME,
      });
      return Number((budget?.status as { used?: { tokens?: number } } | undefined)?.used?.tokens ?? 0);
    },
    (tokens) => tokens >= tally.tokens,
    "the TokenBudget's status to count every acknowledged token",
    30_000,
  ).catch(() => Number.NaN);
  // The store's own count (the budget's status) when read: it also holds batches recorded whose ack
  // the benchmark stopped before reading; the acknowledged tally is a lower bound.
  const used = Math.min(...sidecars.map((s) => s.usedBeforeExhausted));
  spent = overshoot(limitTokens, Number.isFinite(statusTokens) ? statusTokens : tally.tokens, pods, used);
} catch (err) {
  console.error(`operator:\n${cluster.operator.output().slice(-3_000)}`);
  for (const r of cluster.replicas) console.error(`replica:\n${r.process.output().slice(-3_000)}`);
  throw err;
} finally {
  await Promise.all([...links.map((l) => l.close()), ...sidecars.map((s) => s.stop()), pollWorkers?.close()]);
  await cluster.close();
}

printScaleReport({
  pods,
  smallPods,
  agentCount,
  replicaCount,
  pollWorkers: pollWorkerCount,
  watching: !values['long-poll'],
  leasing,
  leaseSeconds,
  windowSeconds,
  callsPerBatch,
  intervalMs,
  limitTokens,
  loadAtStart,
  loadAtEnd: loadavg(),
  small,
  full,
  warning,
  exhausted,
  warningChain,
  exhaustedChain,
  warningPublish,
  exhaustedPublish,
  warningFanout,
  exhaustedFanout,
  warningLoops,
  exhaustedLoops,
  spent,
  statusTokens,
  tokensPerSpendBatch,
  holdersStoppedAt,
  limitReached: tally.limitReachedAt !== undefined,
  rssBase,
  sidecars,
});
process.exit(0);
