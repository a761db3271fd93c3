import type { RequestRecord } from '../request-record.js';

/** A finished, successful non-streaming chat call; tests override what they look at. */
export function requestRecord(overrides: Partial<RequestRecord> = {}): RequestRecord {
  return {
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
    agent: { namespace: 'team-a', name: 'support-bot' },
    policyVersion: '7',
    api: 'chat.completions',
    requestedModel: 'gpt-4o',
    model: 'gpt-4o',
    stream: false,
    route: 'gpt-4o',
    target: 'openai-eu',
    attempts: 1,
    fallbackReasons: [],
    outcome: 'Success',
    status: 200,
    usage: { inputTokens: 120, outputTokens: 30, cachedInputTokens: 0, estimated: false },
    costMicros: 600,
    cache: 'miss',
    decisions: [],
    timings: { totalMs: 180, upstreamMs: 179.5 },
    startedAt: Date.parse('2025-03-01T10:15:30.000Z'),
    ...overrides,
  };
}
