import type { IncomingHttpHeaders } from 'node:http';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { type OutputLimit, outputLimitOf, worstCaseOutput } from '../accounting/output-limit.js';
import { type RequestText, requestText } from '../accounting/request-text.js';
import type { ApiKind } from '../http/api-kind.js';
import { bodyShapeProblem } from './body-shape.js';
import { type CallContext, callContext } from './call-context.js';
import { requestFieldProblem } from './request-fields.js';
import type { RequestProblem } from './request-problem.js';

/** What the agent says about the call in its headers, once they are known to be well formed. */
export type CallHeaders = Extract<CallContext, { ok: true }>;

/**
 * Everything the sidecar needs to know about one call, read from the request once — validated first —
 * and passed along the pipeline: routing, residency, the budget gate, the rewrite, the cache, the
 * upstream attempt, usage settlement and the record all read these instead of the body. Nothing here
 * changes once read; what the policy changes is a `BodyEdits` of its own.
 */
export interface CallFacts {
  readonly api: ApiKind;
  /** The body as the agent sent it, parsed. Read only: the policy's changes are edits beside it. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The agent's own bytes, forwarded as they are (or with fields spliced in) when nothing changes. */
  readonly raw: Buffer;
  /** The model the agent asked for (never empty). */
  readonly model: string;
  /** A streamed answer was asked for (`stream: true`; never for embeddings). */
  readonly stream: boolean;
  /** The output limit per answer the request sets, and how many answers. */
  readonly output: OutputLimit;
  /**
   * The most output tokens the call can cost at the requested model: its limit, else the model's
   * output limit (declared in the policy's `outputLimits`, else built-in).
   */
  readonly worstCaseOutputTokens: number;
  /** The text the request sends (messages, tool calls and definitions), collected once. */
  readonly text: RequestText;
  /** The fast, generous input estimate the budget reserves (`estimateInputTokens` of `text`). */
  readonly estimatedInputTokens: number;
  /** Trace id, chain depth and use case from the headers. */
  readonly headers: CallHeaders;
}

/** A request refused at the door: the problem, and what could be read of it for the call's record. */
export interface RefusedCall {
  problem: RequestProblem;
  /** The model named, when it is a string ('' otherwise). */
  model: string;
  stream: boolean;
  /** The trace id of the headers ('invalid' when they are what was wrong). */
  traceId: string;
  useCase?: string;
}

export type CallReading = { ok: true; facts: CallFacts } | ({ ok: false } & RefusedCall);

/**
 * Reads a call: its headers (trace context, chain depth, use case), then the body's shape (no
 * pathological nesting or arrays), then the fields the sidecar reads, each checked against what the
 * provider accepts — and only then the facts themselves, from the fields now known to be well typed.
 * A refused call never reaches a decision, let alone the provider. `declaredOutputLimits` are the
 * policy's `outputLimits` (from the ModelCatalogs or a standalone file): the worst case of a request
 * that sets no limit of its own.
 */
export function readCallFacts(
  api: ApiKind,
  body: Record<string, unknown>,
  raw: Buffer,
  headers: IncomingHttpHeaders,
  declaredOutputLimits?: Readonly<Record<string, number>>,
): CallReading {
  const model = body['model'];
  const stream = api !== 'embeddings' && body['stream'] === true;
  const context = callContext(headers);
  if (!context.ok) {
    return {
      ok: false,
      problem: { status: 400, code: 'invalid_header', param: context.header, message: context.message },
      model: typeof model === 'string' ? model : '',
      stream,
      traceId: 'invalid',
    };
  }
  const problem = bodyShapeProblem(api, body) ?? requestFieldProblem(api, body);
  if (problem) {
    return {
      ok: false,
      problem,
      model: typeof model === 'string' ? model : '',
      stream,
      traceId: context.traceId,
      ...(context.useCase !== undefined ? { useCase: context.useCase } : {}),
    };
  }
  const text = requestText(api, body);
  const output = outputLimitOf(api, body);
  return {
    ok: true,
    facts: {
      api,
      body,
      raw,
      model: model as string,
      stream,
      output,
      worstCaseOutputTokens: worstCaseOutput(api, output, model as string, declaredOutputLimits),
      text,
      estimatedInputTokens: estimateInputTokens(api, text),
      headers: context,
    },
  };
}
