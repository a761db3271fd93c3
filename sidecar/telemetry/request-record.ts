import type { CALL_OUTCOMES } from '../../apis/usage-batch.js';
import type { AnswerTraits } from '../accounting/answer-traits.js';
import type { TokenUsage } from '../accounting/token-usage.js';
import type { ApiKind } from '../http/api-kind.js';

export type CallOutcome = (typeof CALL_OUTCOMES)[number];

/**
 * Everything known about one governed request when it ends. The pipeline builds it; metrics,
 * the request log line and usage reporting each read what they need from it.
 */
export interface RequestRecord {
  /** W3C trace id (from traceparent or x-governor-trace-id) or a generated one. */
  traceId: string;
  agent: { namespace: string; name: string };
  policyVersion: string;
  api: ApiKind;
  /** Model the agent asked for. */
  requestedModel: string;
  /** Model actually called (after Degrade or a target's model). */
  model: string;
  useCase?: string;
  stream: boolean;
  route?: string;
  target?: string;
  /** Upstream attempts made (0 for a cache hit or a refusal). */
  attempts: number;
  /** Why the answering target is not the first one: e.g. `openai-eu:Timeout,openai-eu:CircuitOpen`. */
  fallbackReasons: string[];
  outcome: CallOutcome;
  /** HTTP status returned to the agent. */
  status: number;
  usage: TokenUsage;
  /** Cost at the model's price, in micro-units of `currency` (0 when `unpriced`). */
  costMicros: number;
  /** ISO 4217 code of `costMicros`; absent means USD. */
  currency?: string;
  /** The model had no price: the cost is unknown, not 0 (each budget counts the call by its rule). */
  unpriced?: boolean;
  cache: 'hit' | 'miss' | 'bypass';
  /** The governance decisions taken, e.g. `degraded:gpt-4o-mini`, `clamped:max_tokens=4096`, `refused:budget`. */
  decisions: string[];
  timings: {
    /** Arrival to last byte sent to the agent. */
    totalMs: number;
    /** Time spent waiting on upstreams, all attempts. */
    upstreamMs: number;
    /** Arrival to first byte sent to the agent (streams). */
    firstByteMs?: number;
    /** Optional per-step time (ms) spent in the sidecar, e.g. `{ residency: 0.01, budget: 0.02, cache: 0.01 }`. */
    steps?: Record<string, number>;
  };
  /** When the request arrived (epoch ms); usage lands in the minute of this time. */
  startedAt: number;
  /** What the route's compression did: input estimates before and after, tokens saved per step. */
  compression?: {
    inputTokensBefore: number;
    inputTokensAfter: number;
    steps: { step: string; tokensSaved: number }[];
    /** The Summarize step: the summary sent in place of old messages, and whether one is being written. */
    summary?: { model: string; messages: number; tokens: number; writing: boolean };
  };
  /** A summariser's call the sidecar made itself for the route's Summarize step (docs/adr/0049-summaries-of-old-turns.md). */
  summariser?: true;
  /** The prompt template the call named: as the policy holds it, and what the template step did. */
  promptTemplate?: { name: string; version: string; outcome: string };
  /** The experiment and variant of a call on a route with an experiment (docs/adr/0051-route-experiments.md). */
  experiment?: { name: string; variant: string };
  /** The reasoning limit the call passed when the reasoning budget sent it to its cheaper model (Simplify). */
  simplified?: string;
  /** The span of the agent's `traceparent` (its parent-id), when it sent one. */
  parentSpanId?: string;
  /** The sidecar's span of the call, when tracing is on (docs/traces.md); also the parent-id it sends upstream. */
  spanId?: string;
  /** The agent's `traceparent` said not sampled: no span is exported. */
  notSampled?: true;
  /** The answering target's provider (`OpenAI`, `Anthropic`, …), when tracing is on. */
  provider?: string;
  /** Why the model stopped (a JSON answer's `finish_reason` / `stop_reason` / `status`), when tracing is on. */
  finishReasons?: string[];
  /** Finish reason, tool call and refusal of a JSON answer (drift); absent for streams and refusals. */
  answer?: AnswerTraits;
  /** The call asked again what its conversation had just asked (a re-ask, docs/adr/0052-feedback-on-calls.md). */
  reAsk?: true;
  /** The prompt, only when the policy asks for prompt logging. */
  prompt?: unknown;
}

const agentLabels = new WeakMap<RequestRecord['agent'], string>();

/** `namespace/name` of the agent, as the log line and the metrics label it (made once per agent object). */
export function agentLabel(agent: RequestRecord['agent']): string {
  let label = agentLabels.get(agent);
  if (label === undefined) {
    label = `${agent.namespace}/${agent.name}`;
    agentLabels.set(agent, label);
  }
  return label;
}
