import type { Logger } from 'pino';
import { redactCredentials, redactValue } from './credential-redaction.js';
import type { RequestRecord } from './request-record.js';

const WARN_OUTCOMES = new Set(['ServerError', 'Timeout', 'StaticFallback']);

/**
 * Writes the one JSON line per request. Fields are picked one by one from the record — never
 * spread — so nothing a record happens to carry (a header, a key) reaches the log unless it is
 * listed here; strings that came from outside are masked for credentials on top. The prompt is
 * logged only when the record carries it (the policy asked for prompt logging).
 */
export function logRequest(logger: Logger, record: RequestRecord): void {
  const warn = WARN_OUTCOMES.has(record.outcome);
  // A line the level drops is neither built nor redacted.
  if (!logger.isLevelEnabled(warn ? 'warn' : 'info')) return;
  const line: Record<string, unknown> = {
    traceId: redactCredentials(record.traceId),
    agent: `${record.agent.namespace}/${record.agent.name}`,
    policyVersion: record.policyVersion,
    api: record.api,
    requestedModel: redactCredentials(record.requestedModel),
    model: redactCredentials(record.model),
    stream: record.stream,
    route: record.route,
    target: record.target,
    attempts: record.attempts,
    outcome: record.outcome,
    status: record.status,
    tokens: {
      input: record.usage.inputTokens,
      output: record.usage.outputTokens,
      cachedInput: record.usage.cachedInputTokens,
      estimated: record.usage.estimated,
    },
    costMicros: record.costMicros,
    cache: record.cache,
    decisions: record.decisions.map(redactCredentials),
    timings: {
      totalMs: round(record.timings.totalMs),
      upstreamMs: round(record.timings.upstreamMs),
      governorMs: round(Math.max(0, record.timings.totalMs - record.timings.upstreamMs)),
      ...(record.timings.firstByteMs === undefined ? {} : { firstByteMs: round(record.timings.firstByteMs) }),
      ...(record.timings.steps ? { steps: roundedSteps(record.timings.steps) } : {}),
    },
    startedAt: new Date(record.startedAt).toISOString(),
  };
  if (record.useCase !== undefined) line.useCase = redactCredentials(record.useCase);
  if (record.fallbackReasons.length > 0) line.fallbackReasons = record.fallbackReasons.map(redactCredentials);
  if (record.prompt !== undefined) line.prompt = redactValue(record.prompt);
  if (warn) logger.warn(line, 'request');
  else logger.info(line, 'request');
}

/** Milliseconds to three decimals: microsecond detail without float noise in the log. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

function roundedSteps(steps: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const step in steps) result[step] = round(steps[step] as number);
  return result;
}
