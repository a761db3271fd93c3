// The table `npm run bench:scale` prints (bench/services-scale.ts, docs/adr/0063): the measures of a
// run beside their targets, with the load average, and the targets' verdicts.

import type { WindowWrites } from './apiserver-writes.js';
import { type ChainLinks, describeChain, describePublish } from './crossing-chain.js';
import {
  type CarriedBy,
  type CrossingDelays,
  carriedBy,
  leaseBound,
  type Overshoot,
} from './crossing-report.js';
import { describeFanout, type Fanout } from './fanout-report.js';

export interface ScaleWindow {
  pods: number;
  writes: WindowWrites;
  batchesPerSecond: number;
  /** Policy versions sent per second (answers of polls, lines of watches), all replicas. */
  policyAnswersPerSecond: number;
  replicaCpuPerSecond: number;
  redisCpuPerSecond: number;
  operatorCpuPerSecond: number;
  /** This process: the simulated sidecars (all its threads). */
  generatorCpuPerSecond: number;
  /** Of it, the main thread's: everything but the long-polls the poll workers hold. */
  mainThreadCpuPerSecond: number;
  /** Lease asks sent per second; of them failed (503, or slow and never answered) per second; answered late (past the 1-s timeout, then used) per second. */
  asksPerSecond: number;
  failedAsksPerSecond: number;
  lateAsksPerSecond: number;
  /** Leases the replicas answered per second (their metric: granted, denied, released). */
  leasesServedPerSecond: number;
  rssMb: number[];
}

/** Share of the time each event loop was busy (0–1) from a crossing's ack until every holder held the phase. */
export interface LoopUse {
  main: number;
  /** One per poll worker; none with --poll-workers 0. */
  workers: number[];
  /** Cores each used meanwhile (CPU seconds per second, /proc/<pid>/stat: 10-ms ticks). */
  cores: { replicas: number; generator: number; operator: number; redis: number };
}

export interface ScaleRun {
  pods: number;
  smallPods: number;
  agentCount: number;
  replicaCount: number;
  /** Worker threads holding the long-polls; 0: in the main thread (docs/adr/0073). */
  pollWorkers: number;
  /** The policy followed by watch streams (the sidecar's way, ADR 0075); false: by long-polls (--long-poll). */
  watching: boolean;
  leasing: boolean;
  /** The replicas' `--budget-lease-seconds`: holders ask again at half of it. */
  leaseSeconds: number;
  windowSeconds: number;
  callsPerBatch: number;
  intervalMs: number;
  limitTokens: number;
  loadAtStart: number[];
  loadAtEnd: number[];
  small: ScaleWindow;
  full: ScaleWindow;
  warning: { fromPost: CrossingDelays; fromAck: CrossingDelays };
  exhausted: CrossingDelays;
  /** Each link of the crossing's chain, from the same ack (crossing-chain.ts). */
  warningChain: ChainLinks;
  exhaustedChain: ChainLinks;
  /** The replicas' fan-outs (policy changes answering held polls) from each crossing until every holder held it. */
  warningFanout: Fanout;
  exhaustedFanout: Fanout;
  /** When the leader published the policies that carried the phase, from the same ack (the versions' times). */
  warningPublish: { firstMs: number; lastMs: number } | undefined;
  exhaustedPublish: { firstMs: number; lastMs: number } | undefined;
  warningLoops: LoopUse;
  exhaustedLoops: LoopUse;
  spent: Overshoot;
  statusTokens: number;
  tokensPerSpendBatch: number;
  /** What the store had counted when the holders' spend stalled (or reached the limit). */
  holdersStoppedAt: number;
  limitReached: boolean;
  /** Each replica's RSS before any sidecar (MiB). */
  rssBase: number[];
  sidecars: ReadonlyArray<{ seenBy: ReadonlyMap<string, CarriedBy>; failures: number }>;
}

export function printScaleReport(run: ScaleRun): void {
  const {
    pods,
    smallPods,
    agentCount,
    replicaCount,
    pollWorkers,
    watching,
    leasing,
    leaseSeconds,
    windowSeconds,
    callsPerBatch,
    intervalMs,
    limitTokens,
    loadAtStart,
    loadAtEnd,
    small,
    full,
    warning,
    exhausted,
    warningChain,
    exhaustedChain,
    warningFanout,
    exhaustedFanout,
    warningPublish,
    exhaustedPublish,
    warningLoops,
    exhaustedLoops,
    spent,
    statusTokens,
    tokensPerSpendBatch,
    holdersStoppedAt,
    limitReached,
    rssBase,
    sidecars,
  } = run;
  const n = (value: number, digits = 0) =>
    Number.isFinite(value)
      ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
      : '—';
  const ms = (d: CrossingDelays) =>
    `${n(d.p50Ms)} / ${n(d.p99Ms)} ms (first ${n(d.firstMs)}, max ${n(d.maxMs)}; ${d.missed} of ${n(d.holders)} never saw it)`;
  const topWrites = (w: WindowWrites) =>
    w.byResource
      .slice(0, 4)
      .map(([resource, count]) => `${resource} ${count}`)
      .join(', ');
  const perCore = full.batchesPerSecond / full.replicaCpuPerSecond;
  const writesIndependent = full.writes.perSecond <= small.writes.perSecond * 1.25 + 0.5;
  const crossingOk = warning.fromAck.p99Ms <= 1_000 && exhausted.p99Ms <= 1_000;
  const bound = leaseBound(pods, callsPerBatch, tokensPerSpendBatch);
  // The lease bound holds only while the slices limit: most asks never answered, the policy's rule
  // decided. (A late answer is used: the slice kept limiting meanwhile, within its 2 s.)
  const leasesHeld = full.asksPerSecond > 0 && full.failedAsksPerSecond <= 0.1 * full.asksPerSecond;
  const overshootOk =
    limitReached && spent.overshoot <= (leasing ? bound : spent.bound) && (!leasing || leasesHeld);
  const ways = (phase: string) => {
    const by = carriedBy(sidecars, phase);
    return `first by lease answer ${n(by.lease)}, by the policy (${watching ? 'watch' : 'long-poll'}) ${n(by.policy)}`;
  };
  const perRequest = (w: ScaleWindow, cpu: number) =>
    n((cpu / (w.batchesPerSecond + w.asksPerSecond)) * 1_000, 3);
  const perThousand = rssBase.map((_, i) => {
    const holdersMore = (pods - smallPods) / replicaCount / 1_000;
    return ((full.rssMb[i] as number) - (small.rssMb[i] as number)) / holdersMore;
  });
  const loops = (use: LoopUse) =>
    `main thread ${n(use.main * 100)} %${use.workers.length > 0 ? `, poll workers ${use.workers.map((w) => `${n(w * 100)} %`).join(' / ')}` : ''}; ` +
    `cores used: replicas ${n(use.cores.replicas, 2)}, simulated sidecars ${n(use.cores.generator, 2)}, operator ${n(use.cores.operator, 2)}, redis ${n(use.cores.redis, 2)}`;
  const failures = sidecars.reduce((sum, s) => sum + s.failures, 0);

  console.log(
    `\n${n(pods)} simulated sidecars (${n(agentCount)} agents, one TokenBudget over all of them), ${replicaCount} services replicas, usage store redis; Node ${process.version}; ` +
      `policy followed by ${watching ? 'watch streams' : 'long-polls (--long-poll)'} in ${pollWorkers > 0 ? `${pollWorkers} poll worker threads` : 'the main thread (--poll-workers 0)'}; ` +
      `${leasing ? 'budget leases on' : 'budget leases off (--no-leases)'}; load average ${loadAtStart.map((l) => l.toFixed(2)).join(' ')} at start, ${loadAtEnd.map((l) => l.toFixed(2)).join(' ')} at end`,
  );
  console.log('\n| measure | value | target |');
  console.log('| --- | --- | --- |');
  const row = (measure: string, value: string, target = '') =>
    console.log(`| ${measure} | ${value} | ${target} |`);
  row(
    `sustained ingest at ${n(pods)} pods (offered ${n((pods * 1_000) / intervalMs)} batches/s)`,
    `${n(full.batchesPerSecond)} batches/s, ${n(full.batchesPerSecond * callsPerBatch)} calls/s (${callsPerBatch} calls a batch)`,
  );
  row(
    'services CPU per batch; ceiling per core',
    `${n((full.replicaCpuPerSecond / full.batchesPerSecond) * 1_000, 3)} ms (held polls included); ${n(perCore)} batches/s per core`,
  );
  row('redis-server CPU per batch', `${n((full.redisCpuPerSecond / full.batchesPerSecond) * 1_000, 3)} ms`);
  row(
    'lease asks/s sent (never answered/s; answered late, past the 1-s timeout, and used/s; answered by the replicas/s), small → full; services / redis CPU per request (batch or ask) at full',
    `${[small, full].map((w) => `${n(w.pods)} pods: ${n(w.asksPerSecond)} (${n(w.failedAsksPerSecond)}; ${n(w.lateAsksPerSecond)}; ${n(w.leasesServedPerSecond)})`).join('; ')}; ` +
      `${perRequest(full, full.replicaCpuPerSecond)} / ${perRequest(full, full.redisCpuPerSecond)} ms at ${n(full.batchesPerSecond + full.asksPerSecond)} requests/s`,
    leasing
      ? `offered ${n(pods / (leaseSeconds / 2))} asks/s (one per holder every ${n(leaseSeconds / 2, 1)} s: leases of ${n(leaseSeconds)} s)`
      : 'leases off',
  );
  row(
    `policy versions sent at ${n(pods)} pods (usage counters republished): answers of polls and lines of watches`,
    `${n(full.policyAnswersPerSecond)}/s (at ${n(smallPods)} pods: ${n(small.policyAnswersPerSecond)}/s)`,
  );
  row(
    'CPU while ingesting, % of a core: services replicas (all) / redis-server / operator / the simulated sidecars (of it, the main thread)',
    [small, full]
      .map(
        (w) =>
          `${n(w.pods)} pods: ${n(w.replicaCpuPerSecond * 100)} / ${n(w.redisCpuPerSecond * 100)} / ${n(w.operatorCpuPerSecond * 100)} / ${n(w.generatorCpuPerSecond * 100)} (${n(w.mainThreadCpuPerSecond * 100)}) at ${n(w.batchesPerSecond)} batches/s`,
      )
      .join('; '),
  );
  for (const w of [small, full]) {
    row(
      `API-server writes/s at ${n(w.pods)} pods (${windowSeconds} s)`,
      `${n(w.writes.perSecond, 2)} (${topWrites(w.writes) || 'none'}); TokenReviews ${n(w.writes.reviewsPerSecond, 2)}/s`,
      w === full ? `independent of pods: ${writesIndependent ? 'yes' : 'no'}` : '',
    );
  }
  row(
    '75 % crossing → every holder holds Warning, p50 / p99 from the ack',
    `${ms(warning.fromAck)}; from the post ${n(warning.fromPost.p50Ms)} / ${n(warning.fromPost.p99Ms)} ms; ${ways('Warning')}`,
    `p99 ≤ 1 s: ${warning.fromAck.p99Ms <= 1_000 ? 'yes' : 'no'}`,
  );
  row(
    '75 % crossing, link by link from the ack (read every 50 ms)',
    `${describePublish(warningPublish)}; ${describeChain(warningChain)}`,
    '',
  );
  row(
    "75 % crossing, the replicas' fan-outs (one per agent's policy change: first held poll answered to the last)",
    describeFanout(warningFanout),
    '',
  );
  row(
    '75 % crossing, from the ack until every holder held Warning: event loops busy; cores used',
    loops(warningLoops),
    '',
  );
  row(
    '100 % crossing → every holder holds Exhausted, p50 / p99 from the ack that passed the limit',
    `${ms(exhausted)}; ${ways('Exhausted')}`,
    `p99 ≤ 1 s: ${exhausted.p99Ms <= 1_000 ? 'yes' : 'no'}`,
  );
  row(
    '100 % crossing, link by link from the ack',
    `${describePublish(exhaustedPublish)}; ${describeChain(exhaustedChain)}`,
    '',
  );
  row("100 % crossing, the replicas' fan-outs", describeFanout(exhaustedFanout), '');
  row(
    '100 % crossing, from the ack until every holder held Exhausted: event loops busy; cores used',
    loops(exhaustedLoops),
    '',
  );
  row(
    `overshoot (each sidecar spent ${n(tokensPerSpendBatch)} tokens a batch until it held Exhausted)`,
    `${n(spent.overshoot)} tokens = ${n((spent.overshoot / limitTokens) * 100, 2)} % of the limit ${n(limitTokens)} (store ${n(spent.recorded)}, budget status ${n(statusTokens)}; the holders' spend stopped at ${n((holdersStoppedAt / limitTokens) * 100, 2)} %)`,
    limitReached
      ? `lease bound (calls in flight × reservation) ${n(bound)}: ${spent.overshoot <= bound ? 'yes' : 'no'}${leasing && !leasesHeld ? ' (vacuous: over 10 % of the asks were never answered, the slices did not limit)' : ''}; old bound (N − 1)(L − U) ${n(spent.bound)}: ${spent.overshoot <= spent.bound ? 'yes' : 'no'}`
      : 'not measured: the limit was not reached',
  );
  row(
    'RSS per replica: none held / small / full (MiB)',
    rssBase
      .map(
        (_, i) =>
          `${n(rssBase[i] as number)} / ${n(small.rssMb[i] as number)} / ${n(full.rssMb[i] as number)}`,
      )
      .join('; '),
  );
  row(
    `RSS per replica per 1,000 held ${watching ? 'watches' : 'long-polls'} (small → full)`,
    perThousand.map((v) => `${n(v, 1)} MiB`).join('; '),
  );
  row('failed answers seen by the sidecars (retried)', n(failures));
  console.log(
    "\nThe policy carries a crossing as: usage in redis → the operator's ledger feed → the budget reconciled → policy mirror" +
      ` ConfigMap → each replica's informer → ${watching ? 'a line on every held watch' : 'the held polls answered'}.` +
      " A lease answer carries it with the book's count: the" +
      " holders' settled tokens at once, a non-holder's batch (the crossing batches here) once a replica's policy shows it.",
  );
  console.log(
    `\ndone when: crossing p99 ≤ 1 s ${crossingOk ? 'yes' : 'no'}; overshoot within ${leasing ? 'the lease bound' : 'its bound'} ${overshootOk ? 'yes' : 'no'}; API writes independent of pods ${writesIndependent ? 'yes' : 'no'}`,
  );
}
