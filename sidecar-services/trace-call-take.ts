// POST /v1/trace-calls/{namespace}/{agent} from an authenticated sidecar: read the small body
// (bounded), validate it as a TraceCallTake (400 naming the field, json-request.ts), check the token's
// ServiceAccount may act for the agent (403 naming both, agent-binding.ts), count the call and answer the trace's calls across the agent's pods.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { traceCallTake } from '../apis/trace-call-count.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import { readJsonRequest } from './json-request.js';
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
  const read = await readJsonRequest(request, MAX_TAKE_BYTES, traceCallTake, 'the trace call take');
  if (!read.ok) return sendError(response, read.error);
  const refusal = agentBindingRefusal(identity, agent, 'count calls of a trace of', accounts);
  if (refusal) return sendError(response, refusal);
  const answer = counter.take(agent.namespace, agent.name, read.value);
  onTake?.(answer.admitted);
  sendJson(response, 200, JSON.stringify(answer));
}
