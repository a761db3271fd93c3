import type { ApiKind } from '../http/api-kind.js';
import { type BudgetDecision, budgetDecision } from '../telemetry/budget-decision.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { CAPTURE_FORMAT_VERSION } from './capture-cipher.js';
import { redact, redactJson } from './redact.js';

/** Marker that ends a text cut at the per-record cap. */
export const TRUNCATED = '…[truncated]';

/** One captured call, as `capture export` prints it (docs/capture.md). */
export interface CapturedCall {
  v: typeof CAPTURE_FORMAT_VERSION;
  at: string;
  traceId: string;
  agent: string;
  api: ApiKind;
  requestedModel: string;
  model: string;
  route?: string;
  target?: string;
  status: number;
  outcome: string;
  stream: boolean;
  policyVersion: string;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
  promptTemplate?: string;
  variant?: string;
  /** The span of the agent's `traceparent`, and the sidecar's own span when tracing is on (docs/traces.md). */
  parentSpanId?: string;
  spanId?: string;
  budgetDecision: BudgetDecision;
  cache: 'hit' | 'miss' | 'bypass';
  /** Upstream attempts made (0 for a cache hit or a refusal). */
  attempts: number;
  /** Why the answering target is not the first, e.g. `openai-eu:Timeout`; absent when none. */
  fallbackReasons?: string[];
  /** The governance decisions taken (`degraded:gpt-4o-mini`, `clamped:max_tokens=4096`, …); absent when none. */
  decisions?: string[];
  request: string;
  /**
   * The request body as the agent sent it, every string redacted, so that `agent-governor replay`
   * can send it again; absent when its JSON is longer than the record cap.
   */
  body?: Record<string, unknown>;
  /** The answer's text; absent for streamed answers (usage only) and answers without text. */
  answer?: string;
  truncated?: true;
}

export interface CaptureLimits {
  /** Largest request + answer text of a record, in characters, before the marker; also the largest body kept. */
  maxRecordChars: number;
  patterns: readonly RegExp[];
}

/**
 * What is written of a finished call: its metadata, its request and answer texts redacted then
 * cut to the record cap (half each, the unused part of one going to the other), and its request
 * body redacted, kept whole when it fits the cap and left out otherwise. Pure.
 */
export function capturedCall(
  record: RequestRecord,
  body: Record<string, unknown>,
  answerJson: unknown,
  limits: CaptureLimits,
): CapturedCall {
  const request = redact(requestText(body), limits.patterns);
  const answerText = answerJson === undefined ? undefined : answerTextOf(answerJson);
  const answer = answerText === undefined ? undefined : redact(answerText, limits.patterns);
  const out: CapturedCall = {
    v: CAPTURE_FORMAT_VERSION,
    at: new Date(record.startedAt).toISOString(),
    traceId: record.traceId,
    agent: `${record.agent.namespace}/${record.agent.name}`,
    api: record.api,
    requestedModel: record.requestedModel,
    model: record.model,
    status: record.status,
    outcome: record.outcome,
    stream: record.stream,
    policyVersion: record.policyVersion,
    inputTokens: record.usage.inputTokens,
    outputTokens: record.usage.outputTokens,
    latencyMs: Math.round(record.timings.totalMs),
    budgetDecision: budgetDecision(record),
    cache: record.cache,
    attempts: record.attempts,
    request,
  };
  const redactedBody = redactJson(body, limits.patterns) as Record<string, unknown>;
  if (JSON.stringify(redactedBody).length <= limits.maxRecordChars) out.body = redactedBody;
  if (record.parentSpanId !== undefined) out.parentSpanId = record.parentSpanId;
  if (record.spanId !== undefined) out.spanId = record.spanId;
  if (record.fallbackReasons.length > 0) out.fallbackReasons = [...record.fallbackReasons];
  if (record.decisions.length > 0) out.decisions = [...record.decisions];
  if (record.route !== undefined) out.route = record.route;
  if (record.target !== undefined) out.target = record.target;
  if (record.promptTemplate)
    out.promptTemplate = `${record.promptTemplate.name}@${record.promptTemplate.version}`;
  if (record.experiment) out.variant = `${record.experiment.name}/${record.experiment.variant}`;
  const half = Math.floor(limits.maxRecordChars / 2);
  const answerRoom = limits.maxRecordChars - Math.min(request.length, half);
  const requestRoom = limits.maxRecordChars - Math.min(answer?.length ?? 0, answerRoom);
  if (request.length > requestRoom) {
    out.request = cut(request, requestRoom);
    out.truncated = true;
  }
  if (answer !== undefined) {
    out.answer = answer.length > answerRoom ? cut(answer, answerRoom) : answer;
    if (answer.length > answerRoom) out.truncated = true;
  }
  return out;
}

function cut(text: string, room: number): string {
  return text.slice(0, Math.max(0, room - TRUNCATED.length)) + TRUNCATED;
}

/** The request's messages (or input / prompt) as `role: text` lines. */
export function requestText(body: Record<string, unknown>): string {
  const lines: string[] = [];
  if (typeof body['system'] === 'string') lines.push(`system: ${body['system']}`);
  if (typeof body['instructions'] === 'string') lines.push(`system: ${body['instructions']}`);
  const list = body['messages'] ?? body['input'] ?? body['prompt'];
  if (typeof list === 'string') lines.push(`user: ${list}`);
  else if (Array.isArray(list))
    for (const item of list) {
      if (typeof item === 'string') lines.push(`user: ${item}`);
      else if (item && typeof item === 'object') {
        const m = item as Record<string, unknown>;
        lines.push(`${typeof m['role'] === 'string' ? m['role'] : 'user'}: ${contentText(m['content'])}`);
      }
    }
  return lines.join('\n');
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content))
    return content
      .map((part) =>
        part && typeof part === 'object' && typeof (part as { text?: unknown }).text === 'string'
          ? (part as { text: string }).text
          : '',
      )
      .filter((t) => t !== '')
      .join('\n');
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

/** The text of a JSON answer: chat choices, completions, Messages content or Responses output. */
export function answerTextOf(json: unknown): string | undefined {
  if (!json || typeof json !== 'object') return undefined;
  const a = json as Record<string, unknown>;
  const parts: string[] = [];
  if (Array.isArray(a['choices']))
    for (const c of a['choices'] as Record<string, unknown>[]) {
      const message = c?.['message'] as Record<string, unknown> | undefined;
      if (message) parts.push(contentText(message['content']));
      else if (typeof c?.['text'] === 'string') parts.push(c['text'] as string);
    }
  if (Array.isArray(a['content'])) parts.push(contentText(a['content']));
  if (Array.isArray(a['output']))
    for (const item of a['output'] as Record<string, unknown>[]) parts.push(contentText(item?.['content']));
  const text = parts.filter((t) => t !== '').join('\n');
  return text === '' ? undefined : text;
}
