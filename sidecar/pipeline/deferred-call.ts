import type { EffectiveRoute } from '../../apis/effective-policy.js';
import type { GateVerdict } from '../budget/budget-gate.js';
import { acceptedAnswer, DEFERRED_PATH, type DeferredCalls } from '../deferred/deferred-calls.js';
import { unbatchable } from '../deferred/provider-batches.js';
import type { GovernedCall } from '../http/sidecar-server.js';
import type { CallFacts } from '../request/call-facts.js';
import type { PlannedTarget } from '../routing/attempt-plan.js';
import type { CallRecord } from './call-record.js';
import type { PipelineServices } from './pipeline-services.js';

/**
 * A call past its reasoning limit under `onExceeded: Defer`: submitted to the first target's batch
 * API as a batch of one and answered 202 with the job to poll (docs/adr/0048-deferred-calls-through-batch-apis.md);
 * 429 when the target or the sidecar cannot defer, 502 when the provider refuses the batch.
 */
export async function deferCall(
  call: GovernedCall,
  facts: CallFacts,
  services: PipelineServices,
  calls: CallRecord,
  route: EffectiveRoute,
  first: PlannedTarget | undefined,
  verdict: Extract<GateVerdict, { kind: 'defer' }>,
): Promise<void> {
  const why = first === undefined ? 'the route has no target' : unbatchable(first.target, call.api);
  if (!services.deferred || first === undefined || why !== undefined) {
    calls.governor.decisions.push('refused:reasoning_budget_exceeded:not-deferrable');
    return calls.refuse(
      429,
      'reasoning_budget_exceeded',
      `Reasoning budget exceeded (${verdict.exceeded.limit} ${verdict.exceeded.value}), and this call cannot be ` +
        `deferred to a batch: ${why ?? 'deferred calls need the sidecar spool directory'}.`,
      'Rejected',
    );
  }
  const body = first.model === facts.model ? facts.body : { ...facts.body, model: first.model };
  calls.record.model = first.model;
  calls.record.target = first.target.name;
  let job: Awaited<ReturnType<DeferredCalls['submit']>>;
  try {
    job = await services.deferred.submit({
      api: call.api,
      body,
      requestedModel: facts.model,
      route: route.name,
      target: first.target,
      traceId: facts.headers.traceId,
      ...(facts.headers.useCase !== undefined ? { useCase: facts.headers.useCase } : {}),
      exceeded: verdict.exceeded,
      completionWindow: verdict.completionWindow,
    });
  } catch (err) {
    calls.governor.decisions.push('defer-failed');
    return calls.refuse(
      502,
      'deferred_submit_failed',
      `the call was to be deferred to ${first.target.name}'s batch API, which refused it: ${(err as Error).message}`,
      'ServerError',
    );
  }
  calls.governor.decisions.push(`deferred-id:${job.id}`);
  const answer = acceptedAnswer(job);
  calls.writeHead(
    answer.status,
    { 'content-type': 'application/json', location: `${DEFERRED_PATH}${job.id}` },
    Buffer.byteLength(answer.body),
  );
  call.res.end(answer.body);
  calls.finish('Success', answer.status);
}
