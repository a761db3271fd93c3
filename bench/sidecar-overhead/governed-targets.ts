import { type BenchProcess, startSidecarCli } from './bench-processes.js';
import { startGatewayCli } from './gateway-process.js';

/**
 * A proxy of this repository that governs calls, measured and held to the targets beside the bare
 * hop and the peer gateways: a column of the table and a set of ratios each.
 */
export interface GovernedTarget {
  /** The path's name in the measures and the ratios (`sidecar / Portkey`). */
  name: string;
  /** Its column's title. */
  title: string;
  /**
   * Starts it in a process of its own, governing calls to the mock at `upstreamBaseUrl`; `headers`
   * are what its agent sends with each call (the gateway's: the agent's token as its key).
   */
  start(
    upstreamBaseUrl: string,
    options: { profileDir?: string },
  ): Promise<BenchProcess & { headers?: Record<string, string> }>;
}

/**
 * What `npm run bench:sidecar` governs with, in the order of the table's columns: the sidecar, and
 * the shared gateway (`agent-governor gateway`, docs/adr/0059) with the same policy, its agent
 * authenticated by a real TokenReview (gateway-process.ts).
 */
export const GOVERNED_TARGETS: readonly GovernedTarget[] = [
  {
    name: 'sidecar',
    title: 'sidecar',
    start: (upstreamBaseUrl, options) => startSidecarCli(upstreamBaseUrl, options),
  },
  {
    name: 'gateway',
    title: 'gateway',
    start: (upstreamBaseUrl, options) => startGatewayCli(upstreamBaseUrl, options),
  },
];
