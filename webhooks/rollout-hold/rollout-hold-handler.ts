// The rollout-hold webhook (mutating, `/mutate/rollout-hold`): when the pod template of a Deployment
// changes and an EvaluationGate in Enforce mode gates its agent, the Deployment is paused
// (`spec.paused: true`) in the same write, before the Deployment controller can make a ReplicaSet
// of the new template, and annotated with the template hash it is held for. The EvaluationGate
// controller evaluates the template and releases it once it passes. failurePolicy Ignore: with the
// operator down a rollout goes ahead, and the controller holds it when it comes back
// (docs/adr/0055-evaluation-gate-on-rollout.md). Never refuses anything.

import { deploymentAgent, enforcingGates, gateHolds, heldFor } from '../../agents/rollout-hold.js';
import { EVALUATION_HOLD_ANNOTATION } from '../../apis/evaluation-gate.js';
import { podTemplateHash } from '../../governance/pod-template-hash.js';
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type {
  AdmissionHandler,
  AdmissionVerdict,
  JsonPatchOperation,
} from '../admission/admission-review.js';

export const ROLLOUT_HOLD_PATH = '/mutate/rollout-hold';

interface DeploymentShape {
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: { paused?: boolean; template?: { metadata?: { labels?: Record<string, string> } } };
}

const allow: AdmissionVerdict = { allowed: true };

export function rolloutHoldHandler(view: AdmissionClusterView): AdmissionHandler {
  return {
    name: 'rollout-hold',
    path: ROLLOUT_HOLD_PATH,
    async handle(request) {
      if (request.operation !== 'UPDATE' || request.kind.kind !== 'Deployment' || request.subResource) {
        return allow;
      }
      const deployment = request.object as DeploymentShape | undefined;
      const old = request.oldObject as DeploymentShape | undefined;
      if (!deployment || !old) return allow;
      const gates = enforcingGates(
        view.evaluationGates(request.namespace ?? ''),
        deploymentAgent(deployment),
      );
      if (gates.length === 0) return allow;
      const templateHash = podTemplateHash(deployment.spec?.template);
      // Only a new template is held: scaling, the controller's own release, a label edit pass.
      if (templateHash === podTemplateHash(old.spec?.template)) return allow;
      const holding = gates.filter((g) => gateHolds(g, templateHash));
      if (holding.length === 0) return allow;
      if (deployment.spec?.paused === true && heldFor(deployment) === templateHash) return allow;
      const names = holding.map((g) => g.metadata.name ?? '').join(', ');
      const annotations = deployment.metadata?.annotations;
      const patch: JsonPatchOperation[] = [
        { op: 'add', path: '/spec/paused', value: true },
        annotations
          ? {
              op: 'add',
              path: `/metadata/annotations/${pointer(EVALUATION_HOLD_ANNOTATION)}`,
              value: templateHash,
            }
          : {
              op: 'add',
              path: '/metadata/annotations',
              value: { [EVALUATION_HOLD_ANNOTATION]: templateHash },
            },
      ];
      return {
        allowed: true,
        patch,
        warnings: [`rollout paused: EvaluationGate ${names} evaluates template ${templateHash} first`],
        auditAnnotations: { 'rollout-held-for': templateHash },
      };
    },
  };
}

/** A JSON Pointer segment (RFC 6901): `~` and `/` escaped. */
function pointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
