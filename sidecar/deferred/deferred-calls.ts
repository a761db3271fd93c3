import type { EffectivePolicy, EffectiveTarget } from '../../apis/effective-policy.js';
import { DEFAULT_BATCH_PERCENT } from '../../apis/pricing/model-price.js';
import { usageFromBody } from '../accounting/body-usage.js';
import { pricedCost } from '../accounting/cost.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import type { BudgetGate } from '../budget/budget-gate.js';
import { type Exceeded, exceededDecision } from '../budget/reasoning-verdict.js';
import type { ApiKind } from '../http/api-kind.js';
import { type ErrorAnswer, errorBody } from '../http/error-body.js';
import type { TargetCredentials } from '../routing/target-credentials.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import { type DeferredJob, DeferredJobs } from './deferred-jobs.js';
import type { ProviderBatches } from './provider-batches.js';

/** The path an agent polls a deferred call on. */
export const DEFERRED_PATH = '/v1/governor/deferred/';

/** `completed`: the result fetched and counted; `delivered`: handed to the agent. */
export type DeferredOutcome = 'submitted' | 'completed' | 'delivered' | 'failed';

export interface DeferredCallsOptions {
  jobs: DeferredJobs;
  batches: Pick<ProviderBatches, 'submit' | 'poll'>;
  credentials: Pick<TargetCredentials, 'lookup'>;
  gate: Pick<BudgetGate, 'countDeferred'>;
  policy: () => EffectivePolicy;
  /** The delivered call's record (metrics, log line, usage to the operator). */
  finished: (record: RequestRecord) => void;
  outcome: (outcome: DeferredOutcome) => void;
}

/** What the agent is answered: a status and a JSON body. */
export interface DeferredAnswer {
  status: number;
  body: string;
}

export interface DeferRequest {
  api: ApiKind;
  body: Readonly<Record<string, unknown>>;
  requestedModel: string;
  route: string;
  target: EffectiveTarget;
  traceId: string;
  useCase?: string;
  exceeded: Exceeded;
  completionWindow: string;
}

/**
 * Calls past the reasoning budget deferred to the provider's batch API
 * (docs/adr/0048-deferred-calls-through-batch-apis.md): `submit` sends the call as a batch of one and
 * keeps the job on disk; `check` (the background round) and `answer` (GET /v1/governor/deferred/{id})
 * poll the batch and, once it has ended, store the result and count its usage at the batch price —
 * once, whichever comes first; `answer` delivers it once.
 */
export class DeferredCalls {
  constructor(private readonly options: DeferredCallsOptions) {}

  async submit(request: DeferRequest): Promise<DeferredJob> {
    const { target } = request;
    const key = this.options.credentials.lookup(target);
    if (!key.ok) throw new Error(`target ${target.name}: ${key.problem}`);
    const id = DeferredJobs.newId();
    const model = typeof request.body['model'] === 'string' ? request.body['model'] : request.requestedModel;
    const batch = await this.options.batches.submit(
      { provider: target.provider, baseUrl: target.baseUrl, ...(key.apiKey ? { apiKey: key.apiKey } : {}) },
      request.api,
      id,
      request.body,
      request.completionWindow,
    );
    const job: DeferredJob = {
      id,
      createdAt: new Date().toISOString(),
      api: request.api,
      requestedModel: request.requestedModel,
      model,
      traceId: request.traceId,
      ...(request.useCase !== undefined ? { useCase: request.useCase } : {}),
      route: request.route,
      target: target.name,
      batch,
      exceeded: request.exceeded,
      completionWindow: request.completionWindow,
      state: 'submitted',
    };
    this.options.jobs.save(job);
    this.options.outcome('submitted');
    return job;
  }

  /**
   * The answer to a poll of `id` (GET /v1/governor/deferred/{id}): 202 while the batch runs, the
   * result once, then 410. A result the background round already fetched is delivered from disk
   * and not counted again.
   */
  async answer(id: string): Promise<DeferredAnswer> {
    const { jobs } = this.options;
    const seen = jobs.get(id);
    if (!seen) return unknown(id);
    if (seen.state === 'delivered') return gone(seen);
    if (!jobs.claim(id)) return pending(seen, 'in_progress');
    try {
      // Read again under the claim: the background round may have settled it meanwhile.
      let job = jobs.get(id);
      if (!job) return unknown(id);
      if (job.state === 'delivered') return gone(job);
      if (job.state === 'submitted') {
        const settled = await this.settle(job);
        if ('answer' in settled) return settled.answer;
        job = settled.job;
      }
      return this.deliver(job);
    } finally {
      jobs.unclaim(id);
    }
  }

  /**
   * The background round's work on one job: when its batch has ended, the result is fetched,
   * stored on disk for delivery and its usage counted — without the agent polling. A job another
   * poller holds, or no longer submitted, is left alone.
   */
  async check(id: string): Promise<void> {
    const { jobs } = this.options;
    if (!jobs.claim(id)) return;
    try {
      const job = jobs.get(id);
      if (job?.state === 'submitted') await this.settle(job);
    } finally {
      jobs.unclaim(id);
    }
  }

  /**
   * Polls a submitted job's batch (the caller holds its claim). When it has ended, the job is saved
   * `completed` with the result, then its usage counted — saved first, so a crash in between loses
   * the count rather than doubling it — or saved `failed`. Otherwise the answer to give now.
   */
  private async settle(job: DeferredJob): Promise<{ job: DeferredJob } | { answer: DeferredAnswer }> {
    const { jobs } = this.options;
    const policy = this.options.policy();
    const target = policy.routes
      .find((r) => r.name === job.route)
      ?.targets.find((t) => t.name === job.target);
    if (!target)
      return {
        answer: error(
          503,
          'deferred_target_gone',
          `deferred call ${job.id} went to target ${job.target} of route ${job.route}, which the policy no longer has; poll again after the policy has it`,
        ),
      };
    const key = this.options.credentials.lookup(target);
    if (!key.ok)
      return { answer: error(503, 'deferred_target_key', `target ${target.name}: ${key.problem}`) };
    const poll = await this.options.batches.poll(
      { provider: target.provider, baseUrl: target.baseUrl, ...(key.apiKey ? { apiKey: key.apiKey } : {}) },
      job.batch,
    );
    if (poll.state === 'pending') return { answer: pending(job, poll.status) };
    const result = poll.state === 'done' ? poll.result : undefined;
    if (result === undefined || !result.ok) {
      const problem = result === undefined ? (poll.state === 'failed' ? poll.message : '') : result.message;
      const failed: DeferredJob = { ...job, state: 'failed', problem, failedStatus: result?.status ?? 502 };
      jobs.save(failed);
      this.options.outcome('failed');
      return { job: failed };
    }
    const body = result.body;
    const completed: DeferredJob = { ...job, state: 'completed', result: body, completedAt: now() };
    jobs.save(completed);
    this.count(completed, body, policy);
    return { job: completed };
  }

  /** Counts a completed job's usage once, at the batch price: the budgets and its record. */
  private count(job: DeferredJob, body: unknown, policy: EffectivePolicy): void {
    const usage = usageFromBody(job.api, body) ?? NO_USAGE;
    const price = policy.pricing[job.model];
    const percent = price?.batchPercent ?? DEFAULT_BATCH_PERCENT;
    const cost = pricedCost(job.model, usage, policy.pricing);
    this.options.gate.countDeferred({
      usage,
      model: job.model,
      ...(job.useCase !== undefined ? { useCase: job.useCase } : {}),
      percent,
    });
    const record: RequestRecord = {
      traceId: job.traceId,
      agent: policy.agent,
      policyVersion: policy.version,
      api: job.api,
      requestedModel: job.requestedModel,
      model: job.model,
      ...(job.useCase !== undefined ? { useCase: job.useCase } : {}),
      stream: false,
      route: job.route,
      target: job.target,
      attempts: 1,
      fallbackReasons: [],
      outcome: 'Success',
      status: 200,
      usage,
      costMicros: Math.round((cost.costMicros * percent) / 100),
      ...(cost.currency !== 'USD' ? { currency: cost.currency } : {}),
      ...(cost.priced ? {} : { unpriced: true }),
      cache: 'bypass',
      decisions: [`deferred-completed:${job.id}`, `batch-price:${percent}%`, exceededDecision(job.exceeded)],
      timings: { totalMs: 0, upstreamMs: 0 },
      startedAt: Date.now(),
    };
    this.options.finished(record);
    this.options.outcome('completed');
  }

  /**
   * Hands a completed or failed job to the agent: saved as delivered (without the result) before it
   * is sent, so a result is delivered at most once.
   */
  private deliver(job: DeferredJob): DeferredAnswer {
    const { result, ...rest } = job;
    const status = job.state === 'completed' ? 200 : (job.failedStatus ?? 502);
    this.options.jobs.save({ ...rest, state: 'delivered', deliveredStatus: status, deliveredAt: now() });
    if (job.state === 'completed') {
      this.options.outcome('delivered');
      return { status: 200, body: JSON.stringify(result) };
    }
    return error(status, 'deferred_call_failed', `deferred call ${job.id}: ${job.problem ?? ''}`);
  }
}

function now(): string {
  return new Date().toISOString();
}

function error(status: number, code: string, message: string): DeferredAnswer {
  const answer: ErrorAnswer = errorBody(undefined, status, code, message);
  return { status: answer.status, body: answer.body };
}

function unknown(id: string): DeferredAnswer {
  return error(404, 'deferred_call_not_found', `no deferred call ${id} is known to this sidecar`);
}

function pending(job: DeferredJob, status: string): DeferredAnswer {
  return {
    status: 202,
    body: JSON.stringify({
      id: job.id,
      object: 'governor.deferred_call',
      status,
      poll: `${DEFERRED_PATH}${job.id}`,
      model: job.model,
      created_at: job.createdAt,
    }),
  };
}

function gone(job: DeferredJob): DeferredAnswer {
  return error(
    410,
    'deferred_call_delivered',
    `deferred call ${job.id} was answered at ${job.deliveredAt} (status ${job.deliveredStatus}); a result is delivered once`,
  );
}

/** The 202 the agent gets when its call is deferred. */
export function acceptedAnswer(job: DeferredJob): DeferredAnswer {
  return pending(job, 'submitted');
}
