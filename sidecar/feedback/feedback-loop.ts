import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from 'pino';
import type { ApiKind } from '../http/api-kind.js';
import { GOVERNOR_REQUEST_HEADERS } from '../http/governor-headers.js';
import { agentLabel, type RequestRecord } from '../telemetry/request-record.js';
import { conversationOf, lastUserMessage } from './asked-question.js';
import type { Feedback } from './feedback-body.js';
import type { FeedbackMetrics } from './feedback-metrics.js';
import { questionOf } from './near-duplicate.js';
import { type CallSummary, RecentCalls, type RecentCallsOptions } from './recent-calls.js';

export type FeedbackOptions = RecentCallsOptions;

/** What a finished call tells the feedback loop: its record and what the agent sent. */
export interface FinishedCall {
  record: RequestRecord;
  api: ApiKind;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export type FeedbackVerdict =
  | { ok: true; call: CallSummary }
  | { ok: false; status: 404; code: 'unknown_trace'; param: 'traceId'; message: string };

/**
 * Feedback on the sidecar's calls, explicit and implicit: every finished call is remembered
 * (RecentCalls) and compared with its conversation's previous question (a re-ask is counted at
 * once); `give` counts an agent's score on a remembered call. Comments are never logged nor kept.
 */
export class FeedbackLoop {
  readonly recent: RecentCalls;

  constructor(
    private readonly metrics: FeedbackMetrics,
    private readonly logger: Logger,
    options: FeedbackOptions = {},
  ) {
    this.recent = new RecentCalls(options);
  }

  /**
   * A call ended: remember it, and count a re-ask when it asks again what its conversation just
   * asked. True when it is a re-ask.
   */
  noteCall({ record, api, headers, body }: FinishedCall): boolean {
    const template = headers[GOVERNOR_REQUEST_HEADERS.promptTemplate];
    const promptTemplate = Array.isArray(template) ? template[0] : template;
    const summary: CallSummary = {
      traceId: record.traceId,
      agent: agentLabel(record.agent),
      model: record.model,
      status: record.status,
      at: record.startedAt + record.timings.totalMs,
    };
    if (record.route !== undefined) summary.route = record.route;
    if (promptTemplate !== undefined && promptTemplate !== '') summary.promptTemplate = promptTemplate;
    if (record.experiment) summary.variant = `${record.experiment.name}/${record.experiment.variant}`;
    const conversation = conversationOf(headers, body);
    const text = conversation === undefined ? undefined : lastUserMessage(api, body);
    const answered = this.recent.note(
      summary,
      conversation !== undefined && text !== undefined
        ? { conversation, question: questionOf(text) }
        : undefined,
    );
    if (answered) this.metrics.observeReask(answered);
    return answered !== undefined;
  }

  /** Counts a feedback on the call it names, or says that no call of that trace id is remembered. */
  give(feedback: Feedback): FeedbackVerdict {
    const call = this.recent.find(feedback.traceId);
    if (call === undefined)
      return {
        ok: false,
        status: 404,
        code: 'unknown_trace',
        param: 'traceId',
        message: `no recent call has trace id "${feedback.traceId}": the sidecar keeps its last calls for feedback for a bounded time and count (docs/feedback.md); send the x-governor-trace-id of the answer`,
      };
    this.metrics.observeFeedback(call, feedback.score);
    this.logger.info(
      {
        feedback: {
          traceId: call.traceId,
          score: feedback.score,
          route: call.route,
          model: call.model,
          promptTemplate: call.promptTemplate,
          variant: call.variant,
          comment: feedback.comment !== undefined,
        },
      },
      'feedback',
    );
    return { ok: true, call };
  }
}
