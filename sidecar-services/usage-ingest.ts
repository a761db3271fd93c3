// POST /v1/usage from an authenticated sidecar: read the body (bounded), validate it as a
// UsageBatch (400 naming the field), check the token may act for the agent (403, agent-binding.ts), record it
// in the ledger and answer the UsageAck only after the write (200), or the error the sidecar
// retries (5xx) or sets aside (4xx).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { readRequestBody } from '../runtime/http/request-body.js';
import { type AgentAccounts, agentBindingRefusal } from './agent-binding.js';
import type { LedgerCommitter } from './ledger-committer.js';
import type { ServiceAccountIdentity } from './service-account-identity.js';
import { sendError, sendJson } from './service-answer.js';
import type { SidecarServicesMetrics } from './sidecar-services-metrics.js';
import { readUsageBatch } from './usage-batch-reading.js';

export interface UsageIngestDependencies {
  committer: LedgerCommitter;
  metrics: SidecarServicesMetrics;
  logger: Logger;
  maxBodyBytes: number;
  /** The binding of agents to ServiceAccounts (agent-binding.ts); undefined: the namespace check only. */
  agentAccounts?: (namespace: string, agent: string) => AgentAccounts;
}

export async function ingestUsage(
  request: IncomingMessage,
  response: ServerResponse,
  identity: ServiceAccountIdentity,
  { committer, metrics, logger, maxBodyBytes, agentAccounts }: UsageIngestDependencies,
): Promise<void> {
  const began = performance.now();
  const refuse = (status: number, code: 'invalid_request' | 'payload_too_large', message: string) => {
    metrics.usageBatches.inc({ result: 'refused' });
    sendError(response, { status, code, message });
  };
  try {
    const body = await readRequestBody(request, maxBodyBytes);
    if (!body.ok) {
      return refuse(
        body.tooLarge ? 413 : 400,
        body.tooLarge ? 'payload_too_large' : 'invalid_request',
        body.message,
      );
    }
    const reading = readUsageBatch(body.body);
    if (!reading.ok) return refuse(400, 'invalid_request', reading.message);
    const { batch } = reading;
    const agent = `${batch.agent.namespace}/${batch.agent.name}`;
    const refusal = agentBindingRefusal(
      identity,
      batch.agent,
      'report usage of',
      agentAccounts?.(batch.agent.namespace, batch.agent.name),
    );
    if (refusal) {
      metrics.usageBatches.inc({ result: 'refused' });
      sendError(response, refusal);
      return;
    }
    const outcome = await committer.record(batch);
    if (outcome.ok) {
      metrics.usageBatches.inc({ result: outcome.ack.duplicate ? 'duplicate' : 'recorded' });
      sendJson(response, 200, JSON.stringify(outcome.ack));
      return;
    }
    const failed = outcome.error.status >= 500;
    metrics.usageBatches.inc({ result: failed ? 'failed' : 'refused' });
    const context = { agent, instance: batch.instance, sequence: batch.sequence };
    if (failed) logger.warn(context, outcome.error.message);
    else logger.info(context, outcome.error.message);
    sendError(response, outcome.error);
  } finally {
    metrics.usageDuration.observe((performance.now() - began) / 1000);
  }
}
