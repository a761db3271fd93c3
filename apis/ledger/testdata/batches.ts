import { LATENCY_BUCKETS_MS, type UsageBatch, type UsageEntry } from '../../usage-batch.js';

/** A usage entry of `calls` calls in `minute`, all at `latencyMs`, with 100 input / 10 output tokens each. */
export function entry(
  minute: string,
  calls: number,
  options: Partial<Omit<UsageEntry, 'minute'>> & { latencyMs?: number } = {},
): UsageEntry {
  const { latencyMs = 200, ...rest } = options;
  const latencyBuckets = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const slot = LATENCY_BUCKETS_MS.findIndex((bound) => latencyMs <= bound);
  latencyBuckets[slot === -1 ? LATENCY_BUCKETS_MS.length : slot] = calls;
  return {
    minute,
    model: 'gpt-4o',
    requests: calls,
    inputTokens: 100 * calls,
    outputTokens: 10 * calls,
    cachedInputTokens: 0,
    estimatedTokens: 0,
    costMicros: 1_000 * calls,
    outcomes: { Success: calls },
    latencyBuckets,
    ...rest,
  };
}

export function batch(
  sequence: number,
  entries: UsageEntry[],
  options: { instance?: string; agent?: string } = {},
): UsageBatch {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'UsageBatch',
    agent: { namespace: 'agents', name: options.agent ?? 'support' },
    instance: options.instance ?? 'pod-a',
    sequence,
    sentAt: entries[entries.length - 1]?.minute ?? '2025-01-01T00:00:00Z',
    entries,
  };
}
