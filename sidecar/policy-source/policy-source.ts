import type { EffectivePolicy } from '../../apis/effective-policy.js';

/**
 * Where a sidecar's effective policy comes from: a YAML file (standalone) or the operator
 * (long-poll, with the mounted ConfigMap as fail-static start). The pipeline reads `current()` on
 * every request, so a change applies to the next request without a restart.
 */
export interface PolicySource {
  /** The policy in force now. */
  current(): EffectivePolicy;
  /** Called after every change, with the new policy. Returns an unsubscribe function. */
  onChange(listener: (policy: EffectivePolicy) => void): () => void;
  /** Resolves once a first policy is in force; rejects with a clear error when none can be had. */
  start(): Promise<void>;
  stop(): Promise<void>;
}
