// The version of a Deployment an EvaluationGate evaluates and holds: a hash of its pod template,
// the same whoever computes it — the rollout-hold webhook from the object under admission, the
// EvaluationGate controller from its cache. Not the ReplicaSet's pod-template-hash: a paused
// Deployment creates no new ReplicaSet, so that hash does not exist while the rollout is held.
// Pure.
import { createHash } from 'node:crypto';
import { canonical } from './agent-version.js';

/** 16 hex digits of the SHA-256 of the template's canonical JSON (keys sorted at every depth). */
export function podTemplateHash(template: unknown): string {
  return createHash('sha256')
    .update(canonical(template ?? {}))
    .digest('hex')
    .slice(0, 16);
}
