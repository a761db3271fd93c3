// Where the compiler puts each agent's effective policy. The sidecar services' PolicyStore is one
// (the operator wires the two together), so the controllers do not depend on how policies are
// served to sidecars: long-poll, ConfigMap mirror, or a services Deployment of their own.
import type { EffectivePolicy } from '../../apis/effective-policy.js';

export interface PolicyPublisher {
  /** Stores the agent's policy; `changed` is false when its content was already there. */
  publish(namespace: string, agent: string, policy: EffectivePolicy): { version: string; changed: boolean };
  /** What is held for the agent: `published` by a compiler, or `restored` from the mirror at start. */
  get(namespace: string, agent: string): { origin: 'published' | 'restored' } | undefined;
  /** Forgets the agent's policy; true when there was one. */
  remove(namespace: string, agent: string): boolean;
}
