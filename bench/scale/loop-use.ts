// How busy each event loop of the benchmark was (its main thread, each poll worker) and how many cores
// each process used between two moments — read at a crossing's ack and once every holder held the
// phase (bench/services-scale.ts). A loop counts as busy while it waits for a core in the middle of
// a turn, so on a saturated machine the cores say more than the loops.
import { type EventLoopUtilization, performance } from 'node:perf_hooks';
import { processCpuMs } from '../admission/process-cpu.js';
import type { LoopUse } from './scale-report.js';

export interface LoopSources {
  replicaPids: ReadonlyArray<number | undefined>;
  operatorPid: number | undefined;
  redisPid: number | undefined;
  /** Each poll worker's event-loop use so far (none with --poll-workers 0). */
  workers(): EventLoopUtilization[];
}

export interface LoopMoment {
  at: number;
  main: EventLoopUtilization;
  workers: EventLoopUtilization[];
  /** CPU ms so far: replicas (summed), this process, the operator, redis-server. */
  cpu: number[];
}

/** CPU ms a process has used so far; NaN when unknown. */
export const cpuMs = (pid: number | undefined) =>
  pid === undefined ? Number.NaN : (processCpuMs(pid) ?? Number.NaN);

export function loopMoment(sources: LoopSources): LoopMoment {
  return {
    at: performance.now(),
    main: performance.eventLoopUtilization(),
    workers: sources.workers(),
    cpu: [
      sources.replicaPids.reduce((sum: number, pid) => sum + cpuMs(pid), 0),
      cpuMs(process.pid),
      cpuMs(sources.operatorPid),
      cpuMs(sources.redisPid),
    ],
  };
}

/** The share of the time each event loop was busy from `from` to `to`, and the cores each process used. */
export function loopUseBetween(from: LoopMoment, to: LoopMoment): LoopUse {
  const cores = (i: number) => ((to.cpu[i] as number) - (from.cpu[i] as number)) / (to.at - from.at);
  return {
    main: performance.eventLoopUtilization(to.main, from.main).utilization,
    workers: to.workers.map(
      (use, i) => performance.eventLoopUtilization(use, from.workers[i] ?? use).utilization,
    ),
    cores: { replicas: cores(0), generator: cores(1), operator: cores(2), redis: cores(3) },
  };
}
