// Usage ingest under load: `senders` fake sidecar instances, each reporting for an agent of its
// own, post real UsageBatch documents with their namespace's ServiceAccount token, one batch in
// flight each, for `seconds`. A batch counts once acknowledged — which the services answer only
// after the agent's AgentUsageLedger was written. A refused batch (503, 409 retried as 5xx) is sent
// again with the same sequence, as a sidecar would.
import { randomBytes } from 'node:crypto';
import { usageBatchOf } from '../../testing/services-fixture.js';
import { type LatencySummary, summarize } from '../sidecar-overhead/latency-summary.js';
import { SidecarProtocolClient } from './sidecar-protocol-client.js';

export interface IngestResult {
  batches: number;
  calls: number;
  seconds: number;
  retries: number;
  /** From post to acknowledgement, ms. */
  ackLatency: LatencySummary;
}

export async function ingestLoad(options: {
  servicesUrl: string;
  tokenFiles: ReadonlyMap<string, string>;
  /** The services' CA bundle (HTTPS). */
  caFile?: string;
  senders: ReadonlyArray<{ namespace: string; agent: string }>;
  seconds: number;
  callsPerBatch: number;
}): Promise<IngestResult> {
  const client = new SidecarProtocolClient(
    options.servicesUrl,
    options.tokenFiles,
    options.senders.length,
    options.caFile,
  );
  const latencies: number[] = [];
  let batches = 0;
  let retries = 0;
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const sender = async ({ namespace, agent }: { namespace: string; agent: string }) => {
    const instance = `bench-${agent}-${randomBytes(3).toString('hex')}`;
    let sequence = 1;
    while (performance.now() < deadline) {
      const batch = usageBatchOf(namespace, agent, instance, sequence, options.callsPerBatch);
      const sentAt = performance.now();
      const answer = await client.postUsage(batch);
      if (answer.status === 200 && (answer.ack?.acknowledgedSequence ?? 0) >= sequence) {
        latencies.push(performance.now() - sentAt);
        batches++;
        sequence++;
      } else {
        retries++;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
  };
  await Promise.all(options.senders.map(sender));
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  return {
    batches,
    calls: batches * options.callsPerBatch,
    seconds,
    retries,
    ackLatency: summarize(latencies),
  };
}
