import { performance } from 'node:perf_hooks';
import type { EffectiveRoute } from '../../apis/effective-policy.js';
import { usageFromBodyOrEstimate } from '../accounting/body-usage.js';
import { createStreamTap } from '../accounting/stream-tap.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import type { GovernedCall } from '../http/sidecar-server.js';
import type { CallFacts } from '../request/call-facts.js';
import type { RouteAnswer, UpstreamStream } from '../routing/route-runner.js';
import { finishReasonsOf } from '../tracing/finish-reasons.js';
import type { CallRecord } from './call-record.js';
import type { PipelineServices } from './pipeline-services.js';
import { relayStream } from './relay-stream.js';
import type { UsageSettlement } from './usage-settlement.js';

export interface AnswerContext {
  call: GovernedCall;
  facts: CallFacts;
  services: PipelineServices;
  calls: CallRecord;
  settlement: UsageSettlement;
  route: EffectiveRoute;
  /** The cache key when the route caches. */
  cacheKey: string | undefined;
  /** The sidecar asked for a usage chunk the agent did not: the tap strips it. */
  injectedUsageOption: boolean;
}

/**
 * Relays a target's answer to the agent and accounts for it: a provider client error as it is (no
 * tokens); a JSON answer with the usage it reports (or counted), at once; a stream through the usage
 * tap, chunk by chunk (the returned promise ends with it). The reservation is settled with the usage, complete 200 answers are cached, and
 * the call is finished with its outcome.
 */
export function relayAnswer(ctx: AnswerContext, answer: RouteAnswer): Promise<void> | undefined {
  const { call, facts, services, calls, settlement, route, cacheKey } = ctx;
  const { res, api } = call;
  const { record, governor } = calls;
  record.model = answer.model;
  governor.target = record.target = answer.target.name;
  if (services.tracing) record.provider = answer.target.provider;
  const upstream = answer.body;
  const limits = cacheKey !== undefined ? route.cache : undefined;

  // The answer goes to the agent first; usage, cost and settlement are worked out after it left (the
  // headers say nothing that depends on them), so they cost the agent no time.
  if (upstream.type === 'error') {
    calls.writeHead(answer.status, answer.headers, upstream.bytes.length);
    res.end(upstream.bytes);
    settlement.settle(NO_USAGE, answer.model);
    calls.finish(answer.status >= 500 ? 'ServerError' : 'ClientError', answer.status);
    return undefined;
  }

  if (upstream.type === 'json') {
    calls.writeHead(answer.status, answer.headers, upstream.bytes.length);
    res.end(upstream.bytes);
    calls.answerJson = upstream.json;
    if (services.tracing) record.finishReasons = finishReasonsOf(upstream.json);
    settlement.settle(
      usageFromBodyOrEstimate(api, upstream.json, { text: facts.text, model: answer.model }),
      answer.model,
    );
    if (limits && cacheKey !== undefined && answer.status === 200 && !facts.stream) {
      services.cache.set(
        route.name,
        cacheKey,
        {
          status: 200,
          headers: { 'content-type': answer.headers['content-type'] ?? 'application/json' },
          body: upstream.bytes,
          usage: record.usage,
          stream: false,
          complete: true,
        },
        limits,
      );
    }
    calls.finish('Success', answer.status);
    return undefined;
  }

  return relayStreamAnswer(ctx, answer, upstream, limits);
}

/** A stream, event by event through the usage tap (the only answer the pipeline waits on). */
async function relayStreamAnswer(
  ctx: AnswerContext,
  answer: RouteAnswer,
  upstream: UpstreamStream,
  limits: EffectiveRoute['cache'],
): Promise<void> {
  const { call, facts, services, calls, settlement, route, cacheKey } = ctx;
  const { res, api } = call;
  const { record, governor } = calls;
  const contentType = answer.headers['content-type'] ?? 'text/event-stream';
  calls.writeHead(answer.status, {
    ...answer.headers,
    'content-type': contentType,
    'cache-control': 'no-cache',
  });
  const tap = createStreamTap(api, {
    stripUsageChunk: ctx.injectedUsageOption,
    model: answer.model,
    estimatedInputTokens: facts.estimatedInputTokens,
    requestText: facts.text,
  });
  const streamStarted = performance.now();
  const relay = await relayStream(api, res, upstream, tap, limits ? limits.maxBytes : 0);
  record.timings.upstreamMs += performance.now() - streamStarted;
  if (relay.firstByteAt !== undefined) record.timings.firstByteMs = relay.firstByteAt - call.startedMono;
  settlement.settle(tap.usage(), answer.model);
  if (relay.agentGone) {
    answer.breaker.release();
    governor.decisions.push('agent-gone');
    return calls.finish('ClientError', 499);
  }
  if (!relay.completed) {
    // The target broke a stream it had started: that counts against its circuit.
    answer.breaker.failure();
    governor.decisions.push('stream-broken');
    return calls.finish('ServerError', answer.status);
  }
  if (limits && cacheKey !== undefined && relay.bytes && answer.status === 200) {
    services.cache.set(
      route.name,
      cacheKey,
      {
        status: 200,
        headers: { 'content-type': contentType },
        body: relay.bytes,
        usage: record.usage,
        stream: true,
        complete: relay.completed,
      },
      limits,
    );
  }
  return calls.finish('Success', answer.status);
}
