import type { Logger } from 'pino';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import type { BudgetGate } from '../budget/budget-gate.js';
import type { ResponseCache } from '../cache/response-cache.js';
import type { CaptureStore } from '../capture/capture-store.js';
import type { DeferredCalls } from '../deferred/deferred-calls.js';
import type { FeedbackLoop } from '../feedback/feedback-loop.js';
import type { SharedTraceCalls } from '../reporting/shared-trace-calls.js';
import type { RouteRunner } from '../routing/route-runner.js';
import type { CallSpans } from '../tracing/call-tracer.js';
import type { AttemptPlans } from './attempt-plans.js';
import type { FinishedCalls } from './finished-calls.js';
import type { SummaryWriter } from './summary-writer.js';

/** Everything one governed request needs, built once by `startSidecar`. */
export interface PipelineServices {
  /** The policy in force now (read per request, so a reload applies to the next call). */
  policy(): EffectivePolicy;
  gate: BudgetGate;
  cache: ResponseCache;
  runner: RouteRunner;
  /** Metrics, log line and usage record of every finished call. */
  finished: FinishedCalls;
  /** For what goes wrong in the pipeline itself. */
  logger: Logger;
  /** Attempt plans and the residency verdicts of targets, per policy. */
  plans: AttemptPlans;
  /** Summaries of old history for routes with the Summarize step, written in the background. */
  summaries: SummaryWriter;
  /** Calls per trace counted across the agent's pods (operator mode); absent: this sidecar's count alone. */
  sharedTraces?: Pick<SharedTraceCalls, 'take'>;
  /** Remembers finished calls for feedback and counts re-asks (docs/feedback.md); absent: neither. */
  feedback?: Pick<FeedbackLoop, 'noteCall'>;
  /** Writes finished calls, redacted and encrypted, when capture is on (docs/capture.md); absent: off. */
  capture?: Pick<CaptureStore, 'offer'>;
  /** Span export when an OTLP endpoint is configured (docs/traces.md); absent: off, no span ids made. */
  tracing?: Pick<CallSpans, 'export'>;
  /** Draws of experiment variants for calls without a sticky key, in [0, 1); default Math.random. */
  random?: () => number;
  /** Calls past the reasoning budget deferred to the provider's batch API (onExceeded: Defer). */
  deferred?: Pick<DeferredCalls, 'submit'>;
}
