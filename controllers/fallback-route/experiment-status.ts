// A route's experiment as its status shows it: the experiment lines its agents' ledgers hold, summed
// per variant, in the order of the spec (the first variant is the control). And how long a status
// write that only moves those numbers waits: ledgers change with every usage batch, so the numbers
// are rewritten at most once per pace; a new or renamed experiment, or a changed set of variants, is
// written at once (docs/adr/0051-route-experiments.md). Pure.
import { isDeepStrictEqual } from 'node:util';
import type { FallbackRouteSpec } from '../../apis/fallback-route.js';
import { NO_VARIANT_SUMS } from '../../apis/ledger/experiment-lines.js';
import type { ExperimentLine } from '../../apis/usage-ledger.js';

/** Least time between two status writes of one route that only move its experiment's numbers. */
export const EXPERIMENT_STATUS_PACE_MS = 10_000;

export interface VariantNumbers {
  name: string;
  weight?: number;
  calls: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  tokensSquares: number;
  costMicros: number;
  costMicrosSquares: number;
  latencyMs: number;
  latencyMsSquares: number;
}

export interface ExperimentNumbers {
  name: string;
  updatedAt: string;
  variants: VariantNumbers[];
}

/**
 * The numbers of the route's experiment (undefined without one), from the experiment lines of the
 * ledgers of the agents the route selects. Lines of another route, of an earlier experiment or of a
 * variant the spec no longer lists are left out.
 */
export function experimentNumbers(
  route: string,
  spec: Pick<FallbackRouteSpec, 'experiment'>,
  lines: readonly ExperimentLine[],
  now: Date,
): ExperimentNumbers | undefined {
  const experiment = spec.experiment;
  if (!experiment) return undefined;
  const variants = experiment.variants.map(
    (v): VariantNumbers => ({
      name: v.name,
      weight: v.weight,
      ...NO_VARIANT_SUMS,
    }),
  );
  const byName = new Map(variants.map((v) => [v.name, v]));
  for (const line of lines) {
    if (line.route !== route || line.experiment !== experiment.name) continue;
    const numbers = byName.get(line.variant);
    if (!numbers) continue;
    numbers.calls += line.calls;
    numbers.errors += line.errors;
    numbers.inputTokens += line.inputTokens;
    numbers.outputTokens += line.outputTokens;
    numbers.tokensSquares += line.tokensSquares;
    numbers.costMicros += line.costMicros;
    numbers.costMicrosSquares += line.costMicrosSquares;
    numbers.latencyMs += Math.round(line.latencyMs);
    numbers.latencyMsSquares += line.latencyMsSquares;
  }
  return { name: experiment.name, updatedAt: now.toISOString(), variants };
}

/** What of the experiment status is news at once: its name and its variants with their weights. */
function shape(numbers: ExperimentNumbers | undefined | null): unknown {
  return numbers ? { name: numbers.name, variants: numbers.variants.map((v) => [v.name, v.weight]) } : null;
}

/** The numbers without the instant they were summed at: equal numbers need no write. */
function counts(numbers: ExperimentNumbers | undefined | null): unknown {
  return numbers ? numbers.variants : null;
}

/**
 * The experiment status to write now, and how long until the numbers may be written (0: nothing
 * waits). `lastWriteAt` is when this process last wrote the route's experiment numbers (undefined:
 * never — a new leader writes at once).
 */
export function pacedExperiment(options: {
  current: ExperimentNumbers | undefined | null;
  next: ExperimentNumbers | undefined;
  lastWriteAt: number | undefined;
  at: number;
  paceMs?: number;
}): { show: ExperimentNumbers | undefined; waitMs: number } {
  const { current, next, lastWriteAt, at, paceMs = EXPERIMENT_STATUS_PACE_MS } = options;
  if (!next) return { show: undefined, waitMs: 0 };
  if (!current || !isDeepStrictEqual(shape(current), shape(next))) return { show: next, waitMs: 0 };
  if (isDeepStrictEqual(counts(current), counts(next))) return { show: current, waitMs: 0 };
  const waitMs = lastWriteAt === undefined ? 0 : Math.max(0, lastWriteAt + paceMs - at);
  return waitMs > 0 ? { show: current, waitMs } : { show: next, waitMs: 0 };
}
