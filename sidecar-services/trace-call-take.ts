// POST /v1/trace-calls/{namespace}/{agent} from an authenticated sidecar: read the small body
// (bounded), validate it as a TraceCallTake (400 naming the field), check the token's
// ServiceAccount may act for the agent (403 naming both, agent-binding.ts), count the call and answer the trace's calls across the agent's pods.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { traceCallTake } from '../apis/trace-call-count.js';
import { fieldPath } from '../apis/validate.js';
import { readRequestBody } from '../runtime/http/request-body.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import type { ServiceAccountIdentity } from './service-account-identity.js';
import { sendError, sendJson } from './service-answer.js';
import type { TraceCallCounter } from './trace-call-counter.js';

/** A take is about 200 bytes; anything much larger is not one. */
const MAX_TAKE_BYTES = 4096;

export async function takeTraceCallOf(
  request: IncomingMessage,
  response: ServerResponse,
  identity: ServiceAccountIdentity,
  agent: { namespace: string; name: string },
  counter: TraceCallCounter,
  accounts: AgentAccounts | undefined,
  onTake?: (admitted: boolean) => void,
): Promise<void> {
  const body = await readRequestBody(request, MAX_TAKE_BYTES);
  if (!body.ok) {
    return sendError(response, {
      status: body.tooLarge ? 413 : 400,
      code: body.tooLarge ? 'payload_too_large' : 'invalid_request',
      message: body.message,
    });
  }
  const refusal = agentBindingRefusal(identity, agent, 'count calls of a trace of', accounts);
  if (refusal) return sendError(response, refusal);
  let value: unknown;
  try {
    value = JSON.parse(body.body.toString('utf8'));
  } catch (err) {
    return sendError(response, {
      status: 400,
      code: 'invalid_request',
      message: `the trace call take is not JSON: ${(err as Error).message}`,
    });
  }
  const parsed = traceCallTake.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return sendError(response, {
      status: 400,
      code: 'invalid_request',
      message: `the trace call take is invalid: ${fieldPath(issue?.path ?? []) || '(body)'}: ${issue?.message ?? 'unknown problem'}`,
    });
  }
  const answer = counter.take(agent.namespace, agent.name, parsed.data);
  onTake?.(answer.admitted);
  sendJson(response, 200, JSON.stringify(answer));
}
