import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { estimateInputTokens } from '../accounting/input-estimate.js';
import {
  outputChoices,
  requestedMaxOutputTokens,
  withMaxOutputTokens,
  worstCaseOutputTokens,
} from '../accounting/output-limit.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import { prepareRequestForUsage } from '../accounting/usage-option.js';
import type { Reservation } from '../budget/budget-gate.js';
import { cacheKey } from '../cache/cache-key.js';
import type { GovernedCall } from '../http/sidecar-server.js';
import { attemptPlan } from '../routing/attempt-plan.js';
import { OneShotAbort } from '../routing/call-signal.js';
import { describeRoutes, routeFor } from '../routing/route-for.js';
import { AgentGoneError, type RouteAnswer, type RouteFailure } from '../routing/route-runner.js';
import { staticAnswer } from '../routing/static-answer.js';
import { CallRecord } from './call-record.js';
import { failedRouteAnswer } from './failed-route-answer.js';
import { forwardedBytes } from './forwarded-body.js';
import type { PipelineServices } from './pipeline-services.js';
import { relayAnswer } from './relay-answer.js';
import { callContext } from './trace-context.js';
import { UsageSettlement } from './usage-settlement.js';

/**
 * One governed call from arrival to log line: call context → route → residency → budget and
 * reasoning budget → rewrite (degraded model, token clamp) → cache → usage option → route attempts
 * → relay (stream tap or JSON usage) → cost → settle → cache store → record (metrics, log, usage).
 * Every exit — refusal, hit, answer, failure, agent gone — finishes the CallRecord, so no call goes
 * uncounted, and every reservation is settled or released.
 */
export async function handleGovernedRequest(call: GovernedCall, services: PipelineServices): Promise<void> {
  const policy = services.policy();
  const stream = call.api !== 'embeddings' && call.body['stream'] === true;
  const requestedModel = typeof call.body['model'] === 'string' ? call.body['model'] : '';
  const calls = new CallRecord(call, policy, services, stream, requestedModel);
  const held: { reservation?: Reservation } = {};
  try {
    await governCall(call, services, policy, calls, held);
  } catch (err) {
    // A bug must not leak a reservation or an uncounted call: release, answer 500, record.
    if (held.reservation) services.gate.release(held.reservation);
    services.logger.error({ error: err instanceof Error ? err.stack : String(err) }, 'request failed');
    if (!call.res.headersSent) {
      calls.refuse(
        500,
        'internal_error',
        'the sidecar failed to handle this call; see its log',
        'ServerError',
      );
    } else {
      call.res.destroy();
      calls.finish('ServerError', 500);
    }
  }
}

async function governCall(
  call: GovernedCall,
  services: PipelineServices,
  policy: EffectivePolicy,
  calls: CallRecord,
  held: { reservation?: Reservation },
): Promise<void> {
  const { api, req, res } = call;
  const { record, facts } = calls;
  const stream = record.stream;
  const requestedModel = record.requestedModel;

  const context = callContext(req.headers);
  if (!context.ok) {
    calls.traceId = 'invalid';
    return calls.refuse(400, 'invalid_header', context.message, 'ClientError', context.header);
  }
  calls.traceId = context.traceId;
  if (context.useCase !== undefined) record.useCase = context.useCase;
  if (requestedModel === '') {
    return calls.refuse(
      400,
      'missing_model',
      'the request body must name a model ("model": "...")',
      'ClientError',
      'model',
    );
  }

  const match = routeFor(policy.routes, requestedModel);
  if (!match) {
    return calls.refuse(
      404,
      'model_not_found',
      `model "${requestedModel}" has no route in the sidecar's policy (version ${policy.version}); ` +
        `routes: ${describeRoutes(policy.routes)}. Add a route for it, or a catch-all route with model "*"`,
      'ClientError',
      'model',
    );
  }
  const { route } = match;
  calls.route = route.name;
  calls.cache = route.cache ? 'miss' : 'bypass';
  const verdict = (target: (typeof route.targets)[number]) =>
    services.residency.verdict(policy, route, target);
  const firstPlan = attemptPlan(route, requestedModel, undefined, verdict);
  calls.step('residency');
  if (firstPlan.refusal) {
    facts.decisions.push(`refused:residency:${firstPlan.refusal.policy}`);
    return calls.refuse(403, 'residency_denied', firstPlan.refusal.message, 'Rejected');
  }

  let body = call.body;
  const requestedMax = requestedMaxOutputTokens(api, body);
  const estimatedInput = estimateInputTokens(api, body, requestedModel);
  const admission = services.gate.admit({
    api,
    model: requestedModel,
    traceId: context.traceId,
    ...(context.traceFromClient ? {} : { traceGenerated: true }),
    estimatedInputTokens: estimatedInput,
    worstCaseOutputTokens: worstCaseOutputTokens(api, body, requestedModel, policy.outputLimits),
    choices: outputChoices(api, body),
    ...(context.useCase !== undefined ? { useCase: context.useCase } : {}),
    ...(context.chainDepth !== undefined ? { chainDepth: context.chainDepth } : {}),
    ...(requestedMax !== undefined ? { requestedMaxOutputTokens: requestedMax } : {}),
    ...(route.degradeTo ? { routeDegradeModel: route.degradeTo.model } : {}),
    ...(firstPlan.targets[0] ? { targetModel: firstPlan.targets[0].model } : {}),
  });
  calls.step('budget');
  facts.decisions.push(...admission.decisions);
  if (admission.kind === 'refuse') {
    if (admission.pricing?.unpriced) record.unpriced = true;
    if (admission.pricing?.currency && admission.pricing.currency !== 'USD')
      record.currency = admission.pricing.currency;
    if (admission.retryAfterSeconds !== undefined)
      res.setHeader('retry-after', String(admission.retryAfterSeconds));
    return calls.refuse(admission.status, admission.code, admission.message, 'Rejected');
  }
  const { reservation } = admission;
  held.reservation = reservation;
  const degraded = admission.model !== requestedModel ? admission.model : undefined;
  if (degraded !== undefined) body = { ...body, model: degraded };
  const clamp = admission.maxOutputTokens;
  if (clamp !== undefined && (requestedMax === undefined || requestedMax > clamp)) {
    body = withMaxOutputTokens(api, body, clamp, degraded ?? requestedModel);
  }
  const plan = degraded === undefined ? firstPlan : attemptPlan(route, requestedModel, degraded, verdict);
  facts.decisions.push(...plan.warnings);
  facts.fallbackReasons.push(...plan.skipped);
  record.model = plan.targets[0]?.model ?? degraded ?? requestedModel;
  if (plan.refusal) {
    services.gate.release(reservation);
    facts.decisions.push(`refused:residency:${plan.refusal.policy}`);
    return calls.refuse(403, 'residency_denied', plan.refusal.message, 'Rejected');
  }

  const key = route.cache ? cacheKey(api, body) : undefined;
  if (key !== undefined) {
    const hit = services.cache.get(route.name, key);
    calls.step('cache');
    if (hit && hit.stream === stream) {
      services.gate.release(reservation);
      calls.cache = 'hit';
      calls.writeHead(hit.status, { ...hit.headers, 'content-length': hit.body.length });
      res.end(hit.body);
      return calls.finish('CacheHit', hit.status);
    }
  }

  const prepared = prepareRequestForUsage(api, body);
  const agentGone = new OneShotAbort();
  const onClose = () => {
    if (!res.writableFinished) agentGone.abort();
  };
  res.once('close', onClose);
  let result: RouteAnswer | RouteFailure;
  try {
    result = await services.runner.run({
      api,
      route,
      plan: plan.targets,
      body: prepared.body,
      rawBody: forwardedBytes(call.body, call.raw, prepared.body),
      stream,
      headers: req.headers,
      startedAt: call.startedAt,
      signal: agentGone,
    });
  } catch (err) {
    services.gate.release(reservation);
    if (err instanceof AgentGoneError) {
      facts.decisions.push('agent-gone');
      return calls.finish('ClientError', 499);
    }
    throw err;
  } finally {
    res.off('close', onClose);
  }
  calls.step('upstream');
  record.attempts = facts.attempts = result.attempts;
  record.timings.upstreamMs = result.upstreamMs;
  facts.fallbackReasons.push(...result.reasons);
  const settlement = new UsageSettlement(
    services.gate,
    reservation,
    policy,
    record,
    result.unreadable,
    estimatedInput,
  );

  if (result.kind === 'answer') {
    return relayAnswer(
      {
        call,
        services,
        calls,
        settlement,
        route,
        cacheKey: key,
        stream,
        forwardedBody: prepared.body,
        injectedUsageOption: prepared.injectedUsageOption,
        estimatedInputTokens: estimatedInput,
      },
      result,
    );
  }

  settlement.settle(NO_USAGE, record.model);
  const text = route.staticResponse;
  const fallback = text !== undefined ? staticAnswer(api, record.model, text, stream) : undefined;
  if (fallback) {
    facts.staticFallback = true;
    calls.writeHead(200, { 'content-type': fallback.contentType, 'content-length': fallback.body.length });
    res.end(fallback.body);
    return calls.finish('StaticFallback', 200);
  }
  const failure = failedRouteAnswer(api, route.name, result);
  calls.writeHead(failure.status, failure.headers);
  res.end(failure.body);
  return calls.finish(failure.outcome, failure.status);
}
