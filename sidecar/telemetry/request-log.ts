import type { Logger } from 'pino';
import { redactCredentials, redactValue } from './credential-redaction.js';
import { jsonLineWriter } from './json-line-writer.js';
import { agentLabel, type RequestRecord } from './request-record.js';

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
    agent: agentLabel(record.agent),
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
    currency: record.currency ?? 'USD',
    cache: record.cache,
    decisions: redactAll(record.decisions),
    timings: timingsOf(record.timings),
    startedAt: isoTime(record.startedAt),
  };
  if (record.unpriced) line.unpriced = true;
  if (record.useCase !== undefined) line.useCase = redactCredentials(record.useCase);
  if (record.fallbackReasons.length > 0) line.fallbackReasons = redactAll(record.fallbackReasons);
  if (record.compression !== undefined) line.compression = record.compression;
  if (record.promptTemplate !== undefined) line.promptTemplate = record.promptTemplate;
  if (record.experiment !== undefined) line.experiment = record.experiment;
  if (record.prompt !== undefined) line.prompt = redactValue(record.prompt);
  const write = jsonLineWriter(logger);
  // The line may be written a moment after the call ended (calls are accounted in batches): its
  // time is when the call ended.
  if (write) {
    write(warn ? 'warn' : 'info', JSON.stringify(line), 'request', record.startedAt + record.timings.totalMs);
  } else if (warn) logger.warn(line, 'request');
  else logger.info(line, 'request');
}

/** The list with credentials masked; the same list when none needed masking (the usual case). */
function redactAll(texts: string[]): string[] {
  for (let i = 0; i < texts.length; i++) {
    if (redactCredentials(texts[i]!) !== texts[i]) return texts.map(redactCredentials);
  }
  return texts;
}

let isoSecond = Number.NaN;
let isoPrefix = '';

/** `new Date(ms).toISOString()`, with the part up to the second formatted once per second. */
function isoTime(at: number): string {
  const ms = Math.floor(at);
  const second = Math.floor(ms / 1000);
  if (second !== isoSecond) {
    isoSecond = second;
    isoPrefix = new Date(second * 1000).toISOString().slice(0, 19);
  }
  const millis = ms - second * 1000;
  return `${isoPrefix}.${millis < 10 ? '00' : millis < 100 ? '0' : ''}${millis}Z`;
}

/** Milliseconds to three decimals: microsecond detail without float noise in the log. */
function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** The line's timings, rounded; optional fields set by assignment (no spread of a literal per call). */
function timingsOf(timings: RequestRecord['timings']): Record<string, unknown> {
  const out: Record<string, unknown> = {
    totalMs: round(timings.totalMs),
    upstreamMs: round(timings.upstreamMs),
    governorMs: round(Math.max(0, timings.totalMs - timings.upstreamMs)),
  };
  if (timings.firstByteMs !== undefined) out['firstByteMs'] = round(timings.firstByteMs);
  if (timings.steps) out['steps'] = roundedSteps(timings.steps);
  return out;
}

function roundedSteps(steps: Record<string, number>): Record<string, number> {
  const result: Record<string, number> = {};
  for (const step in steps) result[step] = round(steps[step] as number);
  return result;
}
