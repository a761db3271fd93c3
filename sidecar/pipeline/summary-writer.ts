import type { IncomingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { EffectivePolicy, EffectiveRoute } from '../../apis/effective-policy.js';
import type { EffectiveCompression } from '../../apis/prompt-compression.js';
import { outputTextOfBody, usageFromBodyOrEstimate } from '../accounting/body-usage.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import { maxOutputTokenFields } from '../accounting/output-limit.js';
import { requestText } from '../accounting/request-text.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import type { BudgetGate } from '../budget/budget-gate.js';
import type { CompressibleApi, Message } from '../compression/conversation.js';
import { SummaryCache } from '../compression/summary-cache.js';
import { SummaryKeys } from '../compression/summary-key.js';
import type { SummaryPlan } from '../compression/summary-plan.js';
import { summaryRequestBody, summaryTranscript } from '../compression/summary-request.js';
import { OneShotAbort } from '../routing/call-signal.js';
import type { RouteRunner } from '../routing/route-runner.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import type { AttemptPlans } from './attempt-plans.js';
import type { FinishedCalls } from './finished-calls.js';
import { UsageSettlement } from './usage-settlement.js';

/** The parent-id and flags of a `traceparent`. */
const TRACEPARENT_PARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-([0-9a-f]{16})-([0-9a-f]{2})/;
/** The decision that marks a summariser's call in the log line, the usage and `x-governor-decision`. */
export const SUMMARY_DECISION = 'compression-summary';

export interface SummaryWriterServices {
  gate: BudgetGate;
  runner: RouteRunner;
  plans: AttemptPlans;
  finished: FinishedCalls;
  logger: Logger;
}

/** One summary to write: the call that found the history long, and what to summarise. */
export interface SummaryJob {
  api: CompressibleApi;
  policy: EffectivePolicy;
  route: EffectiveRoute;
  /** The Summarize settings in force for the call (the route's, or its experiment variant's). */
  summarize: NonNullable<EffectiveCompression['summarize']>;
  /** The call's messages as the agent sent them (never modified). */
  messages: readonly Message[];
  write: NonNullable<SummaryPlan['write']>;
  /** The call's headers: the ones the route forwards (anthropic-version, ...) go with the summary too. */
  headers: IncomingHttpHeaders;
  traceId: string;
  useCase?: string;
}

/**
 * Writes summaries in the background (docs/adr/0049-summaries-of-old-turns.md): the summariser's call
 * goes through the route's targets (or the one `summarize.target` names) with the route's timeouts,
 * retries and circuits, is admitted and settled by the budget gate like any call, and is recorded as
 * a call of its own (metrics, log line, usage) marked `compression-summary`. The call that started it
 * never waits for it: the summary is cached under the prefix's key for the calls that follow.
 */
export class SummaryWriter {
  readonly cache: SummaryCache;
  readonly keys: SummaryKeys;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly services: SummaryWriterServices,
    options: { cache?: SummaryCache; keys?: SummaryKeys } = {},
  ) {
    this.cache = options.cache ?? new SummaryCache();
    this.keys = options.keys ?? new SummaryKeys();
  }

  /** Starts writing the summary of `job`; false when that prefix is already being written. */
  start(job: SummaryJob): boolean {
    const { key } = job.write;
    if (!this.cache.claim(key)) return false;
    const done = this.write(job)
      .catch((err: unknown) =>
        this.services.logger.warn(
          { route: job.route.name, error: err instanceof Error ? err.message : String(err) },
          'summary not written',
        ),
      )
      .finally(() => {
        this.cache.release(key);
        this.running.delete(done);
      });
    this.running.add(done);
    return true;
  }

  /** Resolves when every summary being written is done (shutdown, tests). */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  private async write(job: SummaryJob): Promise<void> {
    const { api, policy, route, write, summarize } = job;
    const { gate, runner, plans, finished, logger } = this.services;
    const model = summarize.model;
    const startedAt = Date.now();
    const startedMono = performance.now();
    const transcript = summaryTranscript(api, job.messages, write.from, write.cut, write.previous);
    const body = summaryRequestBody(
      api,
      model,
      maxOutputTokenFields(api, {}, summarize.maxSummaryTokens, model),
      transcript,
    );
    const bytes = Buffer.from(JSON.stringify(body));
    const text = requestText(api, body);
    const estimatedInputTokens = estimateInputTokens(api, text);

    const plan = plans.plan(policy, route, model, undefined);
    const targets = plan.targets
      .filter(({ target }) => summarize.target === undefined || target.name === summarize.target)
      .map(({ target }) => ({ target, model }));
    if (targets.length === 0) {
      logger.warn(
        { route: route.name, target: summarize.target ?? null },
        'summary not written: no target of the route may be asked (residency, or summarize.target)',
      );
      return;
    }
    const admission = gate.admit({
      api,
      model,
      traceId: job.traceId,
      traceGenerated: true,
      estimatedInputTokens,
      worstCaseOutputTokens: summarize.maxSummaryTokens,
      requestedMaxOutputTokens: summarize.maxSummaryTokens,
      targetModel: model,
      ...(job.useCase !== undefined ? { useCase: job.useCase } : {}),
    });
    if (admission.kind !== 'admit') {
      const reason = admission.kind === 'refuse' ? admission.code : admission.kind;
      logger.info({ route: route.name, reason }, 'summary not written: the budget did not admit it');
      return;
    }
    const record: RequestRecord = {
      traceId: job.traceId,
      agent: policy.agent,
      policyVersion: policy.version,
      api,
      requestedModel: model,
      model,
      stream: false,
      route: route.name,
      attempts: 0,
      fallbackReasons: [],
      outcome: 'ServerError',
      status: 0,
      usage: NO_USAGE,
      costMicros: 0,
      cache: 'bypass',
      decisions: [SUMMARY_DECISION, ...admission.decisions],
      timings: { totalMs: 0, upstreamMs: 0 },
      startedAt,
      summariser: true,
    };
    if (job.useCase !== undefined) record.useCase = job.useCase;
    // Its span's parent is the call that started it: the span that call sends upstream (docs/traces.md).
    const parent = TRACEPARENT_PARENT.exec(String(job.headers['traceparent'] ?? ''));
    if (parent) {
      record.parentSpanId = parent[1] as string;
      if ((Number.parseInt(parent[2] as string, 16) & 1) === 0) record.notSampled = true;
    }
    const result = await runner.run({
      api,
      route,
      plan: targets,
      body: { bytes: () => bytes },
      stream: false,
      headers: job.headers,
      startedAt,
      signal: new OneShotAbort(),
    });
    record.attempts = result.attempts;
    record.fallbackReasons.push(...result.reasons);
    record.timings.upstreamMs = result.upstreamMs;
    const settlement = new UsageSettlement(
      gate,
      admission.reservation,
      policy,
      record,
      result.unreadable,
      estimatedInputTokens,
    );
    if (result.kind === 'answer' && result.body.type === 'json') {
      record.target = result.target.name;
      record.status = result.status;
      record.outcome = 'Success';
      settlement.settle(usageFromBodyOrEstimate(api, result.body.json, { text, model }), model);
      const summary = outputTextOfBody(api, result.body.json).trim();
      if (summary) this.cache.set(write.key, { text: summary, cut: write.cut });
    } else {
      settlement.settle(NO_USAGE, model);
      if (result.kind === 'answer' && result.body.type === 'stream') result.body.cancel();
      if (result.kind === 'answer') {
        record.target = result.target.name;
        record.status = result.status;
        record.outcome = 'ClientError';
      } else {
        record.status = result.last?.status ?? 502;
        record.outcome = result.deadlineExceeded ? 'Timeout' : 'ServerError';
      }
    }
    record.timings.totalMs = performance.now() - startedMono;
    finished.add(record);
  }
}
