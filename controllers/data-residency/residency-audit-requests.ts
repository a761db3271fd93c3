// The channel from the admission webhook to the DataResidencyPolicy controller: the webhook calls
// `request(policy)` when it admits a workload the policy objects to; the controller, which lists
// this object among its key sources, gets the policy's key queued for when the audit is due
// (requested-audit.ts: settled, spaced) and runs the audit even if its interval has not passed.
// Both run in the operator process. Only the leader's controller subscribes: on a standby the
// request is dropped — the leader's own webhook gets its share of the admissions (the Service
// spreads them over the replicas), and the next periodic audit covers the rest.
import type { EnqueueKey, KeySource } from '../../runtime/controller/controller-definition.js';
import {
  AUDIT_REQUEST_TIMING,
  type AuditRequestTiming,
  type RequestedAudit,
  requestedAuditIn,
  withAudit,
  withRequest,
} from './requested-audit.js';

export class ResidencyAuditRequests implements KeySource {
  private readonly subscribers = new Set<EnqueueKey>();
  private readonly states = new Map<string, RequestedAudit>();
  private readonly timing: AuditRequestTiming;
  private readonly now: () => number;

  constructor(options: { timing?: Partial<AuditRequestTiming>; now?: () => number } = {}) {
    this.timing = { ...AUDIT_REQUEST_TIMING, ...options.timing };
    this.now = options.now ?? Date.now;
  }

  subscribe(enqueue: EnqueueKey): () => void {
    this.subscribers.add(enqueue);
    return () => {
      this.subscribers.delete(enqueue);
    };
  }

  /** Asks for an audit of the policy; false when no controller listens here (a standby): dropped. */
  request(policy: string): boolean {
    if (this.subscribers.size === 0) return false;
    const now = this.now();
    const state = withRequest(this.states.get(policy) ?? {}, now, this.timing);
    this.states.set(policy, state);
    const delayMs = requestedAuditIn(state, now, this.timing) ?? 0;
    for (const enqueue of this.subscribers) enqueue({ name: policy }, delayMs);
    return true;
  }

  /** For the reconcile: milliseconds until a requested audit is due (0: now), or undefined. */
  dueIn(policy: string, now: number): number | undefined {
    const state = this.states.get(policy);
    return state ? requestedAuditIn(state, now, this.timing) : undefined;
  }

  /** An audit of the policy started at `at` (periodic or requested). */
  audited(policy: string, at: number): void {
    this.states.set(policy, withAudit(this.states.get(policy) ?? {}, at));
  }

  /** The policy is gone. */
  forget(policy: string): void {
    this.states.delete(policy);
  }
}
