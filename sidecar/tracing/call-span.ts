import type { ApiKind } from '../http/api-kind.js';
import { budgetDecision } from '../telemetry/budget-decision.js';
import { agentLabel, type RequestRecord } from '../telemetry/request-record.js';
import { otelTraceId } from './trace-context.js';

export type SpanAttributeValue = string | number | boolean | string[];

/** What one governed call becomes as an OpenTelemetry span (docs/traces.md). */
export interface CallSpan {
  /** `{gen_ai.operation.name} {gen_ai.request.model}`, e.g. `chat gpt-4o`. */
  name: string;
  traceId: string;
  /** The sidecar's span id when the call had one (it was sent upstream as the parent). */
  spanId?: string;
  /** The agent's span, from its `traceparent`. */
  parentSpanId?: string;
  sampled: boolean;
  /** Epoch milliseconds. */
  startTime: number;
  endTime: number;
  attributes: Record<string, SpanAttributeValue>;
  /** The call failed or was refused: the span's status is ERROR with this description. */
  error?: string;
}

/** gen_ai.operation.name per API (GenAI semantic conventions' well-known values). */
const OPERATION: Record<ApiKind, string> = {
  'chat.completions': 'chat',
  messages: 'chat',
  responses: 'chat',
  completions: 'text_completion',
  embeddings: 'embeddings',
};

/** gen_ai.provider.name per target provider (well-known values where the conventions have one). */
const PROVIDER_NAME: Record<string, string> = {
  OpenAI: 'openai',
  Anthropic: 'anthropic',
  AzureOpenAI: 'azure.ai.openai',
  OpenAICompatible: 'openai_compatible',
};

const ANSWERED = new Set(['Success', 'CacheHit', 'StaticFallback']);

/**
 * The span of a finished call: GenAI semantic-convention attributes (operation, provider, models,
 * tokens, finish reasons) and the governor's own (agent, policy version, budget decision, cache,
 * route, target, fallback attempts, decisions). Without an answering target (a refusal, a cache hit)
 * the provider is that of the API the agent spoke. Pure.
 */
export function callSpan(record: RequestRecord): CallSpan {
  const operation = OPERATION[record.api];
  const traceId = otelTraceId(record.traceId);
  const provider = record.provider
    ? (PROVIDER_NAME[record.provider] ?? record.provider.toLowerCase())
    : record.api === 'messages'
      ? 'anthropic'
      : 'openai';
  const answered = ANSWERED.has(record.outcome);
  const attributes: Record<string, SpanAttributeValue> = {
    'gen_ai.operation.name': operation,
    'gen_ai.provider.name': provider,
    'gen_ai.system': provider,
    'gen_ai.request.model': record.requestedModel,
    'http.response.status_code': record.status,
    'governor.agent': agentLabel(record.agent),
    'governor.policy_version': record.policyVersion,
    'governor.outcome': record.outcome,
    'governor.budget.decision': budgetDecision(record),
    'governor.cache.hit': record.cache === 'hit',
    'governor.cache': record.cache,
    'governor.fallback.attempts': record.attempts,
    'governor.decisions': record.decisions,
  };
  if (answered) {
    attributes['gen_ai.response.model'] = record.model;
    attributes['gen_ai.usage.input_tokens'] = record.usage.inputTokens;
    attributes['gen_ai.usage.output_tokens'] = record.usage.outputTokens;
  }
  if (record.finishReasons && record.finishReasons.length > 0)
    attributes['gen_ai.response.finish_reasons'] = record.finishReasons;
  if (record.route !== undefined) attributes['governor.route'] = record.route;
  if (record.target !== undefined) attributes['governor.target'] = record.target;
  if (record.fallbackReasons.length > 0) attributes['governor.fallback.reasons'] = record.fallbackReasons;
  if (record.useCase !== undefined) attributes['governor.use_case'] = record.useCase;
  if (record.experiment)
    attributes['governor.variant'] = `${record.experiment.name}/${record.experiment.variant}`;
  if (record.promptTemplate)
    attributes['governor.prompt_template'] = `${record.promptTemplate.name}@${record.promptTemplate.version}`;
  if (record.costMicros > 0 || record.unpriced) {
    attributes['governor.cost_micros'] = record.costMicros;
    attributes['governor.currency'] = record.currency ?? 'USD';
  }
  if (record.summariser) attributes['governor.summariser'] = true;
  if (traceId !== record.traceId) attributes['governor.trace_id'] = record.traceId;
  const span: CallSpan = {
    name: `${operation} ${record.requestedModel}`,
    traceId,
    sampled: record.notSampled !== true,
    startTime: record.startedAt,
    endTime: record.startedAt + record.timings.totalMs,
    attributes,
  };
  if (record.spanId !== undefined) span.spanId = record.spanId;
  if (record.parentSpanId !== undefined) span.parentSpanId = record.parentSpanId;
  if (!answered) {
    const refusal = record.decisions.find((d) => d.startsWith('refused:'));
    const type = refusal ? refusal.slice('refused:'.length).split(':')[0] : String(record.status);
    attributes['error.type'] = type ?? String(record.status);
    span.error = `${record.outcome} ${record.status}${refusal ? ` (${refusal})` : ''}`;
  }
  return span;
}
