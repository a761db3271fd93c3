import type { UsageEntry } from '../usage-batch.js';
import {
  EXPERIMENT_LINE_RETENTION_DAYS,
  type ExperimentLine,
  MAX_EXPERIMENT_LINES,
} from '../usage-ledger.js';

const DAY = 86_400_000;

/** A variant's sums before its first call: what an experiment line and a route's status start from. */
export const NO_VARIANT_SUMS = {
  calls: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  tokensSquares: 0,
  costMicros: 0,
  costMicrosSquares: 0,
  latencyMs: 0,
  latencyMsSquares: 0,
} as const;

/**
 * Adds the entries of a batch that carry an experiment variant to the ledger's experiment lines (one
 * per route, experiment and variant: calls, errors, tokens, cost, latency, and the sums of squares a
 * variance needs). Bounded: lines without a call for EXPERIMENT_LINE_RETENTION_DAYS go, then the least
 * recently seen beyond MAX_EXPERIMENT_LINES. Pure; `applyBatch` calls it only for a batch it records,
 * so the ledger's exactly-once guarantee covers these counts too.
 */
export function addExperimentLines(
  lines: readonly ExperimentLine[] | undefined,
  entries: readonly UsageEntry[],
  latestMinute: number,
): ExperimentLine[] | undefined {
  const tallied = entries.filter((e) => e.experiment !== undefined && e.route !== undefined);
  if (tallied.length === 0 && lines === undefined) return undefined;
  const byKey = new Map<string, ExperimentLine>();
  for (const line of lines ?? []) byKey.set(lineKey(line.route, line.experiment, line.variant), { ...line });
  for (const entry of tallied) {
    const tally = entry.experiment!;
    const route = entry.route!;
    const minute = new Date(Math.min(Date.parse(entry.minute), latestMinute)).toISOString();
    const key = lineKey(route, tally.name, tally.variant);
    const line = byKey.get(key) ?? {
      route,
      experiment: tally.name,
      variant: tally.variant,
      ...NO_VARIANT_SUMS,
      lastSeen: minute,
    };
    line.calls += tally.calls;
    line.errors += tally.errors;
    line.inputTokens += entry.inputTokens;
    line.outputTokens += entry.outputTokens;
    line.tokensSquares += tally.tokensSquares;
    line.costMicros += entry.costMicros;
    line.costMicrosSquares += tally.costMicrosSquares;
    line.latencyMs += tally.latencyMs;
    line.latencyMsSquares += tally.latencyMsSquares;
    if (minute > line.lastSeen) line.lastSeen = minute;
    byKey.set(key, line);
  }
  const oldest = new Date(latestMinute - EXPERIMENT_LINE_RETENTION_DAYS * DAY).toISOString();
  return [...byKey.values()]
    .filter((line) => line.lastSeen >= oldest)
    .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0))
    .slice(0, MAX_EXPERIMENT_LINES)
    .sort((a, b) =>
      lineKey(a.route, a.experiment, a.variant).localeCompare(lineKey(b.route, b.experiment, b.variant)),
    );
}

function lineKey(route: string, experiment: string, variant: string): string {
  return `${route}\u0000${experiment}\u0000${variant}`;
}
