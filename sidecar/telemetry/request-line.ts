import { redactCredentials, redactValue } from './credential-redaction.js';
import { agentLabel, type RequestRecord } from './request-record.js';

/**
 * The fields of a call's log line, picked one by one from the record — never spread — so nothing a
 * record happens to carry (a header, a key) reaches the log unless it is listed here; strings that
 * came from outside are masked for credentials on top. The prompt is there only when the record
 * carries it (the policy asked for prompt logging). `requestLineMembers` writes the same fields as JSON
 * text without building this object; this one is for a logger that wants an object.
 */
export function requestLineFields(record: RequestRecord): Record<string, unknown> {
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
  return line;
}

/**
 * The members of `JSON.stringify(requestLineFields(record))` — the same text to the character, without
 * the braces, which the log writer adds around its own members — written straight from the record: no
 * line object, no nested objects for the tokens and timings, no rounded copy of the steps
 * (docs/adr/0070-data-plane-fewer-layers.md). The rare nested parts (compression, template,
 * experiment, prompt) are handed to `JSON.stringify`.
 */
export function requestLineMembers(record: RequestRecord): string {
  const { usage, timings } = record;
  let json = `"traceId":${jsonString(redactCredentials(record.traceId))},"agent":${jsonString(agentLabel(record.agent))},"policyVersion":${jsonString(record.policyVersion)},"api":${jsonString(record.api)},"requestedModel":${jsonString(redactCredentials(record.requestedModel))},"model":${jsonString(redactCredentials(record.model))},"stream":${record.stream}`;
  if (record.route !== undefined) json += `,"route":${jsonString(record.route)}`;
  if (record.target !== undefined) json += `,"target":${jsonString(record.target)}`;
  json += `,"attempts":${jsonNumber(record.attempts)},"outcome":${jsonString(record.outcome)},"status":${jsonNumber(record.status)},"tokens":{"input":${jsonNumber(usage.inputTokens)},"output":${jsonNumber(usage.outputTokens)},"cachedInput":${jsonNumber(usage.cachedInputTokens)}`;
  if (usage.estimated !== undefined) json += `,"estimated":${usage.estimated}`;
  json += `},"costMicros":${jsonNumber(record.costMicros)},"currency":${jsonString(record.currency ?? 'USD')},"cache":${jsonString(record.cache)},"decisions":${jsonStrings(record.decisions)},"timings":{"totalMs":${jsonNumber(round(timings.totalMs))},"upstreamMs":${jsonNumber(round(timings.upstreamMs))},"governorMs":${jsonNumber(round(Math.max(0, timings.totalMs - timings.upstreamMs)))}`;
  if (timings.firstByteMs !== undefined) json += `,"firstByteMs":${jsonNumber(round(timings.firstByteMs))}`;
  if (timings.steps) {
    let steps = '';
    for (const step in timings.steps) {
      steps += `${steps === '' ? '' : ','}${jsonString(step)}:${jsonNumber(round(timings.steps[step] as number))}`;
    }
    json += `,"steps":{${steps}}`;
  }
  json += `},"startedAt":"${isoTime(record.startedAt)}"`;
  if (record.unpriced) json += ',"unpriced":true';
  if (record.useCase !== undefined) json += `,"useCase":${jsonString(redactCredentials(record.useCase))}`;
  if (record.fallbackReasons.length > 0) json += `,"fallbackReasons":${jsonStrings(record.fallbackReasons)}`;
  if (record.compression !== undefined) json += `,"compression":${JSON.stringify(record.compression)}`;
  if (record.promptTemplate !== undefined)
    json += `,"promptTemplate":${JSON.stringify(record.promptTemplate)}`;
  if (record.experiment !== undefined) json += `,"experiment":${JSON.stringify(record.experiment)}`;
  if (record.prompt !== undefined) json += `,"prompt":${JSON.stringify(redactValue(record.prompt))}`;
  return json;
}

/** What `JSON.stringify` must escape: quotes, backslashes, control characters, lone surrogates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what JSON escapes
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** A string as JSON: quoted as it is when nothing in it needs escaping (the usual case). */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}

/** A number as JSON (`null` for NaN and the infinities, as `JSON.stringify` writes them). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** A list of strings as JSON, each masked for credentials. */
function jsonStrings(texts: readonly string[]): string {
  let json = '';
  for (let i = 0; i < texts.length; i++) {
    json += `${i === 0 ? '' : ','}${jsonString(redactCredentials(texts[i] as string))}`;
  }
  return `[${json}]`;
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
export function isoTime(at: number): string {
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
