import type { UsageEntry } from '../usage-batch.js';
import { MAX_OBSERVED_TARGETS, type ObservedTarget } from '../usage-ledger.js';

/**
 * Adds the entries of a batch that name the target that answered to the ledger's observed targets
 * (one line per route, target and model: calls, tokens, first and last minute seen). Bounded: the
 * least recently seen lines go first. Entries without a target (cache hits, refusals, a sidecar
 * without routes) name no destination and are left out. Pure; `applyBatch` calls it only for a
 * batch it records, so the exactly-once guarantee of the ledger covers these counts too.
 */
export function addObservedTargets(
  observed: readonly ObservedTarget[] | undefined,
  entries: readonly UsageEntry[],
  latestMinute: number,
): ObservedTarget[] | undefined {
  const withTarget = entries.filter((e) => e.target !== undefined && e.requests > 0);
  if (withTarget.length === 0) return observed === undefined ? undefined : [...observed];
  const lines = new Map<string, ObservedTarget>();
  for (const line of observed ?? []) lines.set(lineKey(line.route, line.target, line.model), { ...line });
  for (const entry of withTarget) {
    const minute = new Date(Math.min(Date.parse(entry.minute), latestMinute)).toISOString();
    const key = lineKey(entry.route, entry.target as string, entry.model);
    const line = lines.get(key);
    if (line) {
      line.requests += entry.requests;
      line.inputTokens += entry.inputTokens;
      line.outputTokens += entry.outputTokens;
      if (minute > line.lastSeen) line.lastSeen = minute;
      if (minute < line.firstSeen) line.firstSeen = minute;
    } else {
      lines.set(key, {
        ...(entry.route === undefined ? {} : { route: entry.route }),
        target: entry.target as string,
        model: entry.model,
        requests: entry.requests,
        inputTokens: entry.inputTokens,
        outputTokens: entry.outputTokens,
        firstSeen: minute,
        lastSeen: minute,
      });
    }
  }
  return [...lines.values()]
    .sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0))
    .slice(0, MAX_OBSERVED_TARGETS)
    .sort((a, b) => lineKey(a.route, a.target, a.model).localeCompare(lineKey(b.route, b.target, b.model)));
}

function lineKey(route: string | undefined, target: string, model: string): string {
  return `${route ?? ''}\u0000${target}\u0000${model}`;
}
