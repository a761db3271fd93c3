// One chat completion through a sidecar, the way an agent's OpenAI SDK sends it, with plain undici
// (a production dependency): the demo must run where only production dependencies are installed
// (the image), so it does not use the `openai` package. What comes back is what the demo narrates:
// the status, the model the provider answered as (the mock answers as the model it was asked for),
// the target that answered and the sidecar's decisions from its response headers, the tokens the
// provider reported, or the error code and message of a refusal.
import { Agent, request } from 'undici';
import { GOVERNOR_HEADERS } from '../sidecar/http/governor-headers.js';

export interface CallAnswer {
  status: number;
  /** `model` of the answer: the model the provider was asked for. */
  model?: string;
  /** x-governor-target: the route target that answered. */
  target?: string;
  /** x-governor-decision, e.g. `degraded:gpt-4o-mini`. */
  decision?: string;
  /** x-governor-fallback-reason, e.g. `openai-eu:ConnectionError`. */
  fallbackReason?: string;
  /** Input plus output tokens the provider reported (0 for a refusal). */
  tokens: number;
  /** x-governor-input-tokens-before / -after: the sidecar's estimate of the input as sent by the agent and upstream. */
  inputTokensBefore?: number;
  inputTokensAfter?: number;
  /** x-governor-variant: `<experiment>/<variant>` on a route with an experiment. */
  variant?: string;
  /** OpenAI-style error code of a refusal, e.g. `budget_exhausted`. */
  errorCode?: string;
  errorMessage?: string;
  ms: number;
}

export interface ChatCall {
  model: string;
  /** One user message; or the whole conversation in `messages`. */
  prompt?: string;
  messages?: readonly Record<string, unknown>[];
  maxTokens: number;
  /** Request headers besides the content type, e.g. x-governor-conversation-id. */
  headers?: Readonly<Record<string, string>>;
}

/** Keep-alive connections to the sidecars, shared by every call of the demo. */
const dispatcher = new Agent({ connections: 8, keepAliveTimeout: 10_000 });

export async function chatCall(sidecarUrl: string, call: ChatCall): Promise<CallAnswer> {
  const began = performance.now();
  const response = await request(`${sidecarUrl}/v1/chat/completions`, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', ...call.headers },
    body: JSON.stringify({
      model: call.model,
      max_tokens: call.maxTokens,
      messages: call.messages ?? [{ role: 'user', content: call.prompt ?? '' }],
    }),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  const text = await response.body.text();
  const header = (name: string) => {
    const value = response.headers[name];
    return Array.isArray(value) ? value.join(',') : value;
  };
  const answer: CallAnswer = {
    status: response.statusCode,
    tokens: 0,
    ms: Math.round(performance.now() - began),
  };
  const target = header(GOVERNOR_HEADERS.target);
  const decision = header(GOVERNOR_HEADERS.decision);
  const fallbackReason = header(GOVERNOR_HEADERS.fallbackReason);
  if (target) answer.target = target;
  if (decision) answer.decision = decision;
  if (fallbackReason) answer.fallbackReason = fallbackReason;
  const variant = header(GOVERNOR_HEADERS.variant);
  if (variant) answer.variant = variant;
  const before = Number(header(GOVERNOR_HEADERS.inputTokensBefore));
  const after = Number(header(GOVERNOR_HEADERS.inputTokensAfter));
  if (Number.isFinite(before) && header(GOVERNOR_HEADERS.inputTokensBefore))
    answer.inputTokensBefore = before;
  if (Number.isFinite(after) && header(GOVERNOR_HEADERS.inputTokensAfter)) answer.inputTokensAfter = after;
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    answer.errorMessage = `the answer is not JSON: ${text.slice(0, 200)}`;
    return answer;
  }
  if (typeof body['model'] === 'string') answer.model = body['model'];
  const usage = body['usage'] as { prompt_tokens?: number; completion_tokens?: number } | undefined;
  answer.tokens = (usage?.prompt_tokens ?? 0) + (usage?.completion_tokens ?? 0);
  const error = body['error'] as { code?: string; message?: string } | undefined;
  if (error) {
    if (error.code) answer.errorCode = error.code;
    if (error.message) answer.errorMessage = error.message;
  }
  return answer;
}

/** `200 gpt-4o-mini via openai-eu` or `429 budget_exhausted`: what a progress line shows. Pure. */
export function shortAnswer(answer: CallAnswer): string {
  if (answer.status !== 200) return `${answer.status} ${answer.errorCode ?? ''}`.trim();
  return `200 ${answer.model ?? '?'}${answer.target ? ` via ${answer.target}` : ''}`;
}

/** `200 gpt-4o-mini via openai-eu (degraded:gpt-4o-mini), 4 ms` or `429 budget_exhausted: …`. Pure. */
export function describeAnswer(answer: CallAnswer): string {
  if (answer.status !== 200) {
    return `${shortAnswer(answer)}${answer.errorMessage ? `: ${answer.errorMessage}` : ''}`;
  }
  const notes = [answer.decision, answer.fallbackReason && `fallback after ${answer.fallbackReason}`]
    .filter(Boolean)
    .join('; ');
  return `${shortAnswer(answer)}${notes ? ` (${notes})` : ''}, ${answer.ms} ms`;
}

export async function closeCalls(): Promise<void> {
  await dispatcher.close();
}
