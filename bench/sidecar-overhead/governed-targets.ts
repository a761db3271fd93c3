import { type BenchProcess, startSidecarCli } from './bench-processes.js';

/**
 * A proxy of this repository that governs calls, measured and held to the targets beside the bare
 * hop and the peer gateways: a column of the table and a set of ratios each.
 */
export interface GovernedTarget {
  /** The path's name in the measures and the ratios (`sidecar / Portkey`). */
  name: string;
  /** Its column's title. */
  title: string;
  /** Starts it in a process of its own, governing calls to the mock at `upstreamBaseUrl`. */
  start(upstreamBaseUrl: string, options: { profileDir?: string }): Promise<BenchProcess>;
}

/**
 * What `npm run bench:sidecar` governs with, in the order of the table's columns. The shared gateway
 * (`agent-governor gateway`, docs/adr/0059) joins this list with the same policy when it lands — one
 * entry here, and the run measures it and prints its ratios like the sidecar's.
 */
export const GOVERNED_TARGETS: readonly GovernedTarget[] = [
  {
    name: 'sidecar',
    title: 'sidecar',
    start: (upstreamBaseUrl, options) => startSidecarCli(upstreamBaseUrl, options),
  },
];
