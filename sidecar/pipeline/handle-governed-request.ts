import type { EffectivePolicy, EffectiveRoute } from '../../apis/effective-policy.js';
import { maxOutputTokenFields } from '../accounting/output-limit.js';
import { NO_USAGE } from '../accounting/token-usage.js';
import { usageStreamOptions } from '../accounting/usage-option.js';
import type { GateRequest, Reservation } from '../budget/budget-gate.js';
import { callsPerTraceMessage } from '../budget/refusal-messages.js';
import { cacheKey } from '../cache/cache-key.js';
import type { Message } from '../compression/conversation.js';
import type { GovernedCall } from '../http/sidecar-server.js';
import { type CallFacts, readCallFacts } from '../request/call-facts.js';
import { OneShotAbort } from '../routing/call-signal.js';
import { switchedToFallback } from '../routing/fallback-switch.js';
import { describeRoutes, routeFor } from '../routing/route-for.js';
import { AgentGoneError, type RouteAnswer, type RouteFailure } from '../routing/route-runner.js';
import { staticAnswer } from '../routing/static-answer.js';
import { assignVariant } from '../routing/variant-assignment.js';
import { type CallOpening, CallRecord } from './call-record.js';
import { type CallSummary, compressedCall } from './compressed-call.js';
import { deferCall } from './deferred-call.js';
import { failedRouteAnswer } from './failed-route-answer.js';
import { type BodyEdits, editedBody, ForwardedBody } from './forwarded-body.js';
import type { PipelineServices } from './pipeline-services.js';
import { promptOf } from './prompt-of.js';
import { relayAnswer } from './relay-answer.js';
import { templatedCall } from './templated-call.js';
import { UsageSettlement } from './usage-settlement.js';

/** Renewals a call refused for want of slice waits for before its 429 (docs/adr/0062-budget-leases.md). */
const MAX_SLICE_WAITS = 2;
/** Longest wait for one renewal: past the lease client's 1-s timeout, so a slow answer is seen. */
const SLICE_WAIT_MS = 1_500;

/**
 * One governed call from arrival to log line: read the call's facts (headers, body shape, the fields
 * the sidecar reads — a bad request is refused here and goes no further) → route → prompt template
 * → compression → residency →
 * budget and reasoning budget → edits (degraded model, token clamp) → cache → usage option → route
 * attempts → relay (stream tap or JSON usage) → cost → settle → cache store → record (metrics, log,
 * usage). Every step reads the facts, never the body again. Every exit — refusal, hit, answer,
 * failure, agent gone — finishes the CallRecord, so no call goes uncounted, and every reservation is
 * settled or released.
 */
export async function handleGovernedRequest(call: GovernedCall, services: PipelineServices): Promise<void> {
  const policy = services.policy();
  const reading = readCallFacts(call.api, call.body, call.raw, call.req.headers, policy.outputLimits);
  if (!reading.ok) {
    const { problem } = reading;
    const refused = new CallRecord(call, policy, services, reading);
    return refused.refuse(problem.status, problem.code, problem.message, 'ClientError', problem.param);
  }
  const { facts } = reading;
  const { headers } = facts;
  const opening: CallOpening = { model: facts.model, stream: facts.stream, traceId: headers.traceId };
  if (headers.useCase !== undefined) opening.useCase = headers.useCase;
  if (headers.parentSpanId !== undefined) opening.parentSpanId = headers.parentSpanId;
  if (headers.notSampled) opening.notSampled = true;
  const calls = new CallRecord(call, policy, services, opening);
  calls.governor.inputTokensBefore = calls.governor.inputTokensAfter = facts.estimatedInputTokens;
  if (policy.logging?.prompts) calls.record.prompt = promptOf(facts.api, facts.body);
  const held: { reservation?: Reservation } = {};
  try {
    await governCall(call, facts, services, policy, calls, held);
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
  arrived: CallFacts,
  services: PipelineServices,
  policy: EffectivePolicy,
  calls: CallRecord,
  held: { reservation?: Reservation },
): Promise<void> {
  const { api, req, res } = call;
  const { record, governor } = calls;
  const requestedModel = arrived.model;

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
  // An experiment's variant decides the model the targets are asked for, the compression and the
  // prompt template, so it is chosen before any of them (docs/adr/0051-route-experiments.md).
  const variant = route.experiment
    ? assignVariant(route.experiment, stickyKey(req.headers[route.experiment.stickyBy]), services.random)
        .variant
    : undefined;
  if (variant && route.experiment) calls.assignVariant(route.experiment.name, variant);
  const compression = variant?.compression ?? route.compression;
  const targetModel = variant?.model ?? requestedModel;
  // The template the call names, read now — after the route match and the variant, so the header a
  // variant set is the one honoured — and rendered into the body the rest of the pipeline reads.
  const template = templatedCall(arrived, req.headers, policy.promptTemplates);
  if (template.kind !== 'none' || compression) calls.step('route');
  let received = arrived;
  if (template.kind === 'refused') {
    if (template.use) calls.useTemplate(template.use);
    else record.promptTemplate = { name: 'unknown', version: 'none', outcome: template.outcome };
    governor.decisions.push(`refused:prompt-template:${template.outcome}`);
    return calls.refuse(template.status, template.code, template.message, 'ClientError', template.param);
  }
  if (template.kind === 'rendered') {
    calls.step('template');
    calls.useTemplate(template.use);
    received = template.facts;
    governor.inputTokensBefore = governor.inputTokensAfter = received.estimatedInputTokens;
  }
  // What the policy changes in the body, as edits beside the agent's own (never re-read, never copied).
  const edits: BodyEdits = {};
  // Compression first, so the budget, the cache key and usage count what is actually sent.
  const compressed = compressedCall(received, compression, services.summaries);
  const facts = compressed.facts;
  if (compression) {
    calls.step('compression');
    if (compressed.messages !== undefined) edits['messages'] = compressed.messages;
    governor.inputTokensAfter = facts.estimatedInputTokens;
    record.compression = {
      inputTokensBefore: received.estimatedInputTokens,
      inputTokensAfter: facts.estimatedInputTokens,
      steps: compressed.savings,
    };
    const summary = compressed.summary;
    const summarize = compression.summarize;
    if (summary && summarize) {
      // The summary is written in the background: this call goes on without it (ADR 0049).
      const writing =
        summary.write !== undefined &&
        services.summaries.start({
          api: api as 'chat.completions' | 'messages',
          policy,
          route,
          summarize,
          messages: received.body['messages'] as Message[],
          write: summary.write,
          headers: req.headers,
          traceId: received.headers.traceId,
          ...(received.headers.useCase !== undefined ? { useCase: received.headers.useCase } : {}),
        });
      const used = summary.used;
      record.compression.summary = {
        model: summarize.model,
        messages: used?.messages ?? 0,
        tokens: used?.tokens ?? 0,
        writing: summary.write !== undefined,
      };
      governor.summary = summaryHeader(used, summary.write !== undefined);
      if (writing) governor.decisions.push('summary-started');
    }
  }
  const switched = switchedToFallback(policy.slos, route.name);
  const firstPlan = services.plans.plan(policy, route, targetModel, undefined, switched);
  calls.step('residency');
  if (firstPlan.refusal) {
    governor.decisions.push(`refused:residency:${firstPlan.refusal.policy}`);
    return calls.refuse(403, 'residency_denied', firstPlan.refusal.message, 'Rejected');
  }

  const asked = gateRequest(facts, route, firstPlan.targets[0]?.model);
  const decided = governor.decisions.length;
  let admission = services.gate.admit(asked);
  // The budget has room but this sidecar's slice has not: the call waits for the renewal it asked
  // for (at most two answers of the services) and is admitted again, rather than a 429.
  for (
    let waits = 0;
    admission.kind === 'refuse' && admission.sliceShort && waits < MAX_SLICE_WAITS;
    waits++
  ) {
    if (!(await services.gate.sliceRenewal?.(SLICE_WAIT_MS))) break;
    admission = services.gate.admit(asked);
    if (admission.kind !== 'refuse' || !admission.sliceShort) governor.decisions.push('lease-renewed');
  }
  calls.step('budget');
  for (const decision of admission.decisions) governor.decisions.push(decision);
  if (admission.kind === 'refuse') {
    if (admission.pricing?.unpriced) record.unpriced = true;
    if (admission.pricing?.currency && admission.pricing.currency !== 'USD')
      record.currency = admission.pricing.currency;
    if (admission.retryAfterSeconds !== undefined)
      res.setHeader('retry-after', String(admission.retryAfterSeconds));
    return calls.refuse(admission.status, admission.code, admission.message, 'Rejected', admission.param);
  }
  if (admission.kind === 'defer')
    return deferCall(call, facts, services, calls, route, firstPlan.targets[0], admission);
  held.reservation = admission.reservation;
  if (admission.trace && services.sharedTraces) {
    const shared = await services.sharedTraces.take(admission.trace);
    calls.step('trace');
    if (shared === undefined) governor.decisions.push('trace-count:local');
    else {
      services.gate.noteTraceCalls(admission.trace.traceId, shared.calls);
      if (!shared.admitted) {
        services.gate.release(admission.reservation);
        delete held.reservation;
        // Past the trace's limit across pods: asked again, the gate (now holding the shared count)
        // simplifies the call when the reasoning budget says Simplify.
        const again = services.gate.admit(asked);
        if (again.kind === 'defer') {
          governor.decisions.length = decided;
          for (const decision of again.decisions) governor.decisions.push(decision);
          governor.decisions.push('trace-count:across-pods');
          return deferCall(call, facts, services, calls, route, firstPlan.targets[0], again);
        }
        if (again.kind === 'admit' && again.simplified) {
          governor.decisions.length = decided;
          for (const decision of again.decisions) governor.decisions.push(decision);
          governor.decisions.push('trace-count:across-pods');
          admission = again;
          held.reservation = again.reservation;
        } else {
          if (again.kind === 'admit') services.gate.release(again.reservation);
          governor.decisions.push('refused:reasoning_budget_exceeded:across-pods');
          const { traceId, limit, useCase } = admission.trace;
          return calls.refuse(
            429,
            'reasoning_budget_exceeded',
            callsPerTraceMessage(traceId, shared.calls, {
              maxCallsPerTrace: limit,
              ...(useCase !== undefined ? { useCase } : {}),
            }),
            'Rejected',
          );
        }
      }
    }
  }
  const { reservation } = admission;
  if (admission.simplified) record.simplified = admission.simplified.exceeded.limit;

  const degraded = admission.model !== requestedModel ? admission.model : undefined;
  if (degraded !== undefined) edits['model'] = degraded;
  const clamp = admission.maxOutputTokens;
  const requestedMax = facts.output.requested;
  if (clamp !== undefined && (requestedMax === undefined || requestedMax > clamp)) {
    Object.assign(edits, maxOutputTokenFields(api, facts.body, clamp, degraded ?? targetModel));
  }
  const plan =
    degraded === undefined ? firstPlan : services.plans.plan(policy, route, targetModel, degraded, switched);
  if (plan.switched) governor.decisions.push('switched-to-fallback');
  for (const warning of plan.warnings) governor.decisions.push(warning);
  for (const skipped of plan.skipped) governor.fallbackReasons.push(skipped);
  record.model = plan.targets[0]?.model ?? degraded ?? targetModel;
  if (plan.refusal) {
    services.gate.release(reservation);
    governor.decisions.push(`refused:residency:${plan.refusal.policy}`);
    return calls.refuse(403, 'residency_denied', plan.refusal.message, 'Rejected');
  }

  // The cache key is of the question as the policy rewrote it, before the usage option is added.
  // Each variant caches apart: its model, compression or template answer the question differently.
  const key = route.cache
    ? `${variant ? `${variant.name}\u0000` : ''}${cacheKey(api, editedBody(facts.body, edits))}`
    : undefined;
  if (key !== undefined) {
    const hit = services.cache.get(route.name, key);
    calls.step('cache');
    if (hit && hit.stream === facts.stream) {
      services.gate.release(reservation);
      calls.cache = 'hit';
      calls.writeHead(hit.status, hit.headers, hit.body.length);
      res.end(hit.body);
      return calls.finish('CacheHit', hit.status);
    }
  }

  const usageOption = usageStreamOptions(api, facts.body);
  if (usageOption !== undefined) edits['stream_options'] = usageOption;
  const agentGone = new OneShotAbort();
  const onClose = () => {
    if (!res.writableFinished) agentGone.abort();
  };
  res.on('close', onClose);
  let result: RouteAnswer | RouteFailure;
  try {
    result = await services.runner.run({
      api,
      route,
      plan: plan.targets,
      body: new ForwardedBody(facts, edits),
      stream: facts.stream,
      headers: req.headers,
      startedAt: call.startedAt,
      signal: agentGone,
    });
  } catch (err) {
    services.gate.release(reservation);
    if (err instanceof AgentGoneError) {
      governor.decisions.push('agent-gone');
      return calls.finish('ClientError', 499);
    }
    throw err;
  } finally {
    res.removeListener('close', onClose);
  }
  calls.step('upstream');
  record.attempts = governor.attempts = result.attempts;
  record.timings.upstreamMs = result.upstreamMs;
  for (const reason of result.reasons) governor.fallbackReasons.push(reason);
  const settlement = new UsageSettlement(
    services.gate,
    reservation,
    policy,
    record,
    result.unreadable,
    facts.estimatedInputTokens,
  );

  if (result.kind === 'answer') {
    const relayed = relayAnswer(
      { call, facts, services, calls, settlement, route, cacheKey: key, injectedUsageOption: !!usageOption },
      result,
    );
    if (relayed) await relayed;
    return;
  }

  settlement.settle(NO_USAGE, record.model);
  const text = route.staticResponse;
  const fallback = text !== undefined ? staticAnswer(api, record.model, text, facts.stream) : undefined;
  if (fallback) {
    governor.staticFallback = true;
    calls.writeHead(200, { 'content-type': fallback.contentType }, fallback.body.length);
    res.end(fallback.body);
    return calls.finish('StaticFallback', 200);
  }
  const failure = failedRouteAnswer(api, route.name, result);
  calls.writeHead(failure.status, failure.headers);
  res.end(failure.body);
  return calls.finish(failure.outcome, failure.status);
}

/** The sticky key of an experiment: the header's value (the first, when repeated), if any. */
function stickyKey(value: string | string[] | undefined): string | undefined {
  const key = Array.isArray(value) ? value[0] : value;
  return key === undefined || key === '' ? undefined : key;
}

/**
 * What the budget gate is asked about a call: its facts, the route's cheaper model, and the model its
 * first target will be asked for (what the call is priced as when it is not degraded).
 */
function gateRequest(facts: CallFacts, route: EffectiveRoute, targetModel: string | undefined): GateRequest {
  const { headers } = facts;
  const request: GateRequest = {
    api: facts.api,
    model: facts.model,
    traceId: headers.traceId,
    estimatedInputTokens: facts.estimatedInputTokens,
    worstCaseOutputTokens: facts.worstCaseOutputTokens,
    choices: facts.output.choices,
  };
  if (!headers.traceFromClient) request.traceGenerated = true;
  if (headers.useCase !== undefined) request.useCase = headers.useCase;
  if (headers.chainDepth !== undefined) request.chainDepth = headers.chainDepth;
  if (facts.output.requested !== undefined) request.requestedMaxOutputTokens = facts.output.requested;
  if (route.degradeTo) request.routeDegradeModel = route.degradeTo.model;
  if (targetModel !== undefined) request.targetModel = targetModel;
  return request;
}

/** The x-governor-summary value: `used; messages=N; tokens=T`, `writing`, both, or `none`. */
function summaryHeader(used: CallSummary['used'], writing: boolean): string {
  const parts: string[] = [];
  if (used) parts.push(`used; messages=${used.messages}; tokens=${used.tokens}`);
  if (writing) parts.push('writing');
  return parts.length > 0 ? parts.join(', ') : 'none';
}
