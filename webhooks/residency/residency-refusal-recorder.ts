// Where admission refusals are kept: the refusing DataResidencyPolicy's status (`refusals`, the last
// 50, newest first, and `refusalCount`) and a Warning Event `ResidencyRefused` on it. The webhook
// handler never writes (it answers the API server within milliseconds and its webhook declares no
// side effects on the object reviewed); it hands refusals to this recorder, which writes them in
// the background on whichever replica refused — a read, then a status update with the
// resourceVersion read, retried on a conflict, so two replicas never lose each other's records.
// A workload refused again and again (a controller retrying a Pod) is recorded once a minute.
import { LRUCache } from 'lru-cache';
import type { Logger } from 'pino';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import { MAX_RECORDED_REFUSALS, type ResidencyRefusal } from '../../apis/data-residency-policy.js';
import type { EventRecorder } from '../../runtime/events/event-recorder.js';
import { isConflict } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { RefusedDestination } from './residency-validation-handler.js';

const ATTEMPTS = 5;

export class ResidencyRefusalRecorder {
  private readonly recent = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });
  private readonly pending = new Map<string, ResidencyRefusal[]>();
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly parts: { client: KubeClient; events: EventRecorder; log: Logger }) {}

  /** Queues the refusals for their policies' status; returns at once. */
  record(refused: readonly RefusedDestination[]): void {
    for (const { policy, refusal } of refused) {
      const key = `${policy}\n${refusal.namespace}\n${refusal.kind}\n${refusal.name}\n${refusal.source}\n${refusal.endpoint}`;
      if (this.recent.has(key)) continue;
      this.recent.set(key, true);
      this.pending.set(policy, [...(this.pending.get(policy) ?? []), refusal]);
    }
    this.writing = this.writing.then(() => this.flush());
  }

  /** Resolves when everything recorded so far is written (or given up on). */
  async settled(): Promise<void> {
    await this.writing;
  }

  private async flush(): Promise<void> {
    const batches = [...this.pending];
    this.pending.clear();
    for (const [policy, refusals] of batches) {
      try {
        await this.write(policy, refusals);
      } catch (err) {
        this.parts.log.error(
          { err: (err as Error).message, policy, refusals: refusals.length },
          'could not record residency refusals in the policy status',
        );
      }
    }
  }

  private async write(name: string, refusals: ResidencyRefusal[]): Promise<void> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const policy = await this.parts.client.get(dataResidencyPolicies, { name });
      if (!policy) return;
      const status = policy.status ?? {};
      const newest = [...refusals].reverse();
      try {
        await this.parts.client.updateStatus(dataResidencyPolicies, {
          ...policy,
          status: {
            ...status,
            refusalCount: (status.refusalCount ?? 0) + refusals.length,
            refusals: [...newest, ...(status.refusals ?? [])].slice(0, MAX_RECORDED_REFUSALS),
          },
        });
      } catch (err) {
        if (isConflict(err) && attempt < ATTEMPTS) continue;
        throw err;
      }
      for (const refusal of refusals) {
        this.parts.events.warning(
          policy,
          'ResidencyRefused',
          `refused ${refusal.kind} ${refusal.namespace}/${refusal.name}${refusal.user ? ` (by ${refusal.user})` : ''}: ` +
            `${refusal.container ? `container ${refusal.container}, ` : ''}${refusal.source} → ${refusal.endpoint}` +
            ` (region ${refusal.region ?? 'unknown'}${refusal.jurisdiction ? `, ${refusal.jurisdiction}` : ''})`,
          'Admission',
        );
      }
      return;
    }
  }
}
