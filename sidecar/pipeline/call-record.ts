import { performance } from 'node:perf_hooks';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { EffectiveVariant } from '../../apis/route-experiment.js';
import { answerTraits } from '../accounting/answer-traits.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import { errorBody } from '../http/error-body.js';
import { GOVERNOR_REQUEST_HEADERS } from '../http/governor-headers.js';
import type { GovernedCall } from '../http/sidecar-server.js';
import type { CallOutcome, RequestRecord } from '../telemetry/request-record.js';
import { newSpanId, otelTraceId, traceparentOf } from '../tracing/trace-context.js';
import { type GovernorHeaders, writeGovernedHead } from './answer-headers.js';
import type { PipelineServices } from './pipeline-services.js';

/** What a call's record starts from: read from a valid request's facts, or what could be read of a refused one. */
export interface CallOpening {
  model: string;
  stream: boolean;
  traceId: string;
  useCase?: string;
  /** The span of the agent's `traceparent`, and whether it said not sampled. */
  parentSpanId?: string;
  notSampled?: true;
}

/**
 * What is known about one governed call as it goes: the RequestRecord (metrics, log line, usage)
 * and what the x-governor-* headers tell (`governor`). Every exit of the pipeline ends in `finish`
 * (or `refuse`, which answers and finishes), so no call goes uncounted.
 */
export class CallRecord {
  readonly record: RequestRecord;
  readonly governor: GovernorHeaders;
  private readonly steps: Record<string, number> = {};
  private mark = performance.now();

  constructor(
    private readonly call: GovernedCall,
    policy: EffectivePolicy,
    private readonly services: PipelineServices,
    opening: CallOpening,
  ) {
    const requestedModel = opening.model;
    this.governor = {
      policyVersion: policy.version,
      traceId: opening.traceId,
      fallbackReasons: [],
      decisions: [],
    };
    this.record = {
      traceId: opening.traceId,
      agent: policy.agent,
      policyVersion: policy.version,
      api: call.api,
      requestedModel,
      model: requestedModel,
      stream: opening.stream,
      attempts: 0,
      fallbackReasons: this.governor.fallbackReasons,
      outcome: 'ClientError',
      status: 0,
      usage: NO_USAGE,
      costMicros: 0,
      cache: 'bypass',
      decisions: this.governor.decisions,
      timings: { totalMs: 0, upstreamMs: 0, steps: this.steps },
      startedAt: call.startedAt,
    };
    if (opening.useCase !== undefined) this.record.useCase = opening.useCase;
    if (opening.parentSpanId !== undefined) this.record.parentSpanId = opening.parentSpanId;
    if (services.tracing) {
      // The call's span is the parent of what the provider does: its id goes upstream now, the span
      // itself is made when the call has ended (docs/adr/0057-otlp-traces-from-the-sidecar.md).
      const spanId = newSpanId();
      this.record.spanId = spanId;
      if (opening.notSampled) this.record.notSampled = true;
      call.req.headers['traceparent'] = traceparentOf(
        otelTraceId(opening.traceId),
        spanId,
        opening.notSampled !== true,
      );
    }
  }

  set route(name: string) {
    this.governor.route = name;
    this.record.route = name;
  }

  /** The prompt template the call met (answer header, log line, metric). */
  useTemplate(use: { name: string; version: string; outcome: string }): void {
    this.governor.promptTemplate = `${use.name}@${use.version}`;
    this.record.promptTemplate = use;
  }

  set cache(state: 'hit' | 'miss' | 'bypass') {
    this.governor.cache = state;
    this.record.cache = state;
  }

  /**
   * The experiment variant the call was assigned: on the record (metrics, log, usage), in the answer's
   * x-governor-variant, and — when the variant names a prompt template — as the call's
   * x-governor-prompt-template request header, which prompt-template rendering reads.
   */
  assignVariant(experiment: string, variant: EffectiveVariant): void {
    this.record.experiment = { name: experiment, variant: variant.name };
    this.governor.variant = `${experiment}/${variant.name}`;
    if (variant.promptTemplate !== undefined) {
      this.promptTemplate = variant.promptTemplate;
      this.call.req.headers[GOVERNOR_REQUEST_HEADERS.promptTemplate] = variant.promptTemplate;
    }
  }

  /** The prompt template the call uses when its experiment variant names one. */
  promptTemplate: string | undefined;

  /** The JSON answer relayed to the agent, kept for capture (docs/capture.md); streams leave it unset. */
  answerJson: unknown;

  /** Time since the previous step, under `name` (step timings of the log line). */
  step(name: string): void {
    const now = performance.now();
    this.steps[name] = now - this.mark;
    this.mark = now;
  }

  /** Writes the answer's head: `status`, its own `headers`, its length when given, and the governor headers. */
  writeHead(
    status: number,
    headers: Readonly<Record<string, string | number>>,
    contentLength?: number,
  ): void {
    writeGovernedHead(this.call.res, status, this.governor, headers, contentLength);
  }

  finish(outcome: CallOutcome, status: number): void {
    const { record, services } = this;
    record.outcome = outcome;
    record.status = status;
    record.timings.totalMs = performance.now() - this.call.startedMono;
    if (this.answerJson !== undefined) {
      const traits = answerTraits(this.call.api, this.answerJson);
      if (traits) record.answer = traits;
    }
    // Before the call is accounted: a re-ask counts in the usage of the call that asked again.
    const reAsk = services.feedback?.noteCall({
      record,
      api: this.call.api,
      headers: this.call.req.headers,
      body: this.call.body,
    });
    if (reAsk) record.reAsk = true;
    services.finished.add(record);
    services.capture?.offer(record, this.call.body, this.answerJson);
  }

  /** Answers an error of the sidecar's own (in the API's shape) and finishes the call. */
  refuse(
    status: number,
    code: string,
    message: string,
    outcome: CallOutcome,
    param: string | null = null,
  ): void {
    const answer = errorBody(this.call.api, status, code, message, param);
    this.writeHead(status, { 'content-type': answer.contentType }, Buffer.byteLength(answer.body));
    this.call.res.end(answer.body);
    this.finish(outcome, status);
  }
}
