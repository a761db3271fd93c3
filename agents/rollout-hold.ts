// When an EvaluationGate in Enforce mode holds the rollout of an agent's Deployment, decided once for
// the two places that act on it: the rollout-hold admission webhook (pauses a Deployment the moment
// its pod template changes, before the Deployment controller makes a ReplicaSet) and the
// EvaluationGate controller (releases it when the version passes, holds it when the webhook was not
// called). Pure.
import {
  EVALUATION_HOLD_ANNOTATION,
  EVALUATION_HOLD_APPLIED_ANNOTATION,
  type EvaluationGate,
} from '../apis/evaluation-gate.js';
import { AGENT_LABEL } from '../apis/group-version.js';

interface DeploymentShape {
  metadata?: { annotations?: Record<string, string> };
  spec?: { paused?: boolean; template?: { metadata?: { labels?: Record<string, string> } } };
}

/** The agent a Deployment's pod template names, or undefined. */
export function deploymentAgent(deployment: DeploymentShape): string | undefined {
  const agent = deployment.spec?.template?.metadata?.labels?.[AGENT_LABEL];
  return agent ? agent : undefined;
}

/** The gates of `gates` (one namespace) in Enforce mode for the agent. */
export function enforcingGates(
  gates: readonly EvaluationGate[],
  agent: string | undefined,
): EvaluationGate[] {
  if (agent === undefined) return [];
  return gates.filter((g) => g.spec.agent === agent && (g.spec.mode ?? 'Observe') === 'Enforce');
}

/**
 * Whether the gate holds a template: not the one that last passed. Until one version has passed
 * (a new gate, a new Deployment) nothing is held — there is no known-good version to stay on.
 */
export function gateHolds(gate: EvaluationGate, templateHash: string): boolean {
  const passed = gate.status?.passedTemplateHash;
  return passed !== undefined && passed !== templateHash;
}

/** The template hash a Deployment is held for, when the operator paused it. */
export function heldFor(deployment: DeploymentShape): string | undefined {
  return deployment.metadata?.annotations?.[EVALUATION_HOLD_ANNOTATION];
}

/**
 * Whether the operator holds the Deployment by its own server-side apply (it then owns
 * `spec.paused` and the annotations): the webhook's pause is owned by whoever made the write (a
 * GitOps tool's apply), whose next apply would drop it, so the controller applies it once more. Read
 * from an annotation only that apply writes: informer caches drop managedFields.
 */
export function holdApplied(deployment: DeploymentShape): boolean {
  const held = heldFor(deployment);
  return (
    held !== undefined && deployment.metadata?.annotations?.[EVALUATION_HOLD_APPLIED_ANNOTATION] === held
  );
}
