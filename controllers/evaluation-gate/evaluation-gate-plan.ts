// What one EvaluationGate reconcile does, decided from the gate, the agent's Deployments, the gate's
// Jobs and their pods, whether the corpus exists, and the clock (pure). The controller only carries
// it out (evaluation-gate-controller.ts), in this order: delete the Jobs of older evaluations,
// create the Job of this one, write status, then pause or release the Deployment — status first,
// so the passed template is on record before a rollout is released.

import { gateHolds, heldFor, holdApplied } from '../../agents/rollout-hold.js';
import {
  EVALUATE_REQUESTED_AT_ANNOTATION,
  EVALUATION_HOLD_ANNOTATION,
  EVALUATION_HOLD_APPLIED_ANNOTATION,
  EVALUATION_LABEL,
  type EvaluationGate,
  type EvaluationGateSpec,
  type EvaluationGateStatus,
  type EvaluationVerdict,
  evaluationGateSpec,
} from '../../apis/evaluation-gate.js';
import { fieldPath } from '../../apis/validate.js';
import { podTemplateHash } from '../../governance/pod-template-hash.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import type { Patch } from '../../runtime/kube/kube-client.js';
import type { Deployment, Job, Pod } from '../../runtime/kube/resources.js';
import {
  type ConditionDecision,
  type Health,
  kstatusConditions,
  nextConditions,
} from '../kstatus/conditions.js';
import { judgeSummary } from './judge-summary.js';
import { evaluationId, replayJob, replayJobName } from './replay-job.js';
import { replayOutcome } from './replay-outcome.js';

export type CorpusState = 'Found' | 'ConfigMapNotFound' | 'KeyNotFound';

export interface EvaluationGateInputs {
  gate: EvaluationGate;
  /** The Deployments of the gate's namespace whose pod template names the gate's agent. */
  deployments: readonly Deployment[];
  /** The gate's Jobs (label governor.agents.dev/evaluation-gate). */
  jobs: readonly Job[];
  /** The pods of those Jobs. */
  pods: readonly Pod[];
  corpus: CorpusState;
  defaultImage: string;
  now: Date;
}

/**
 * Hold a Deployment — server-side apply of `spec.paused: true` and the hold annotation under the
 * operator's field manager, so the operator owns them and a GitOps tool's next apply leaves them —
 * or release it: a merge patch conditional on the resourceVersion read.
 */
export interface RolloutChange {
  deployment: string;
  hold: boolean;
  patch: Patch;
}

export interface EvaluationGatePlan {
  status: EvaluationGateStatus;
  deleteJobs: string[];
  createJob?: Job;
  rollout?: RolloutChange;
  events: PlannedEvent[];
}

const FINAL: readonly EvaluationVerdict[] = ['Pass', 'Fail', 'Error'];

export function planEvaluationGate(inputs: EvaluationGateInputs): EvaluationGatePlan {
  const { gate, now } = inputs;
  const previous = gate.status;
  const generation = gate.metadata.generation;
  const ref = `${gate.metadata.namespace ?? ''}/${gate.metadata.name ?? ''}`;
  const stalled = (reason: string, message: string, keep: EvaluationGateStatus = {}): EvaluationGatePlan => {
    const wasStalledSo = previous?.conditions?.some(
      (c) => c.type === 'Stalled' && c.status === 'True' && c.reason === reason,
    );
    return {
      status: withConditions({ ...keep }, { state: 'Stalled', reason, message }, undefined),
      deleteJobs: [],
      events: wasStalledSo
        ? []
        : [
            {
              regarding: gate,
              event: {
                type: 'Warning',
                reason,
                action: 'Evaluate',
                note: `EvaluationGate ${ref}: ${message}.`.slice(0, 1024),
              },
            },
          ],
    };
  };
  const withConditions = (
    status: EvaluationGateStatus,
    health: Health,
    evaluated: ConditionDecision | undefined,
  ): EvaluationGateStatus => ({
    ...status,
    conditions: nextConditions(
      previous?.conditions,
      [...kstatusConditions(health), ...(evaluated ? [evaluated] : [])],
      generation,
      now,
    ),
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  });
  const parsed = evaluationGateSpec.safeParse(gate.spec);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `spec.${fieldPath(i.path)}: ${i.message}`);
    return stalled('InvalidSpec', `nothing is evaluated: ${problems.join('; ')}`, carried(previous));
  }
  const spec = parsed.data;
  if (inputs.deployments.length === 0) {
    return stalled(
      'AgentNotFound',
      `no Deployment in namespace ${gate.metadata.namespace ?? ''} has a pod template labelled governor.agents.dev/agent=${spec.agent}`,
      carried(previous),
    );
  }
  if (inputs.deployments.length > 1) {
    const names = inputs.deployments.map((d) => d.metadata?.name ?? '').sort();
    return stalled(
      'AmbiguousAgent',
      `agent ${spec.agent} has ${names.length} Deployments (${names.join(', ')}); a gate evaluates the one Deployment of its agent`,
      carried(previous),
    );
  }
  const deployment = inputs.deployments[0] as Deployment;
  const deploymentName = deployment.metadata?.name ?? '';
  const templateHash = podTemplateHash(deployment.spec?.template);
  const evaluation = evaluationId(
    templateHash,
    gate.metadata.annotations?.[EVALUATE_REQUESTED_AT_ANNOTATION],
  );
  const jobName = replayJobName(gate.metadata.name ?? '', evaluation);
  const deleteJobs = inputs.jobs
    .filter((j) => j.metadata?.labels?.[EVALUATION_LABEL] !== evaluation)
    .map((j) => j.metadata?.name ?? '');
  const events: PlannedEvent[] = [];
  const note = (
    type: 'Normal' | 'Warning',
    reason: string,
    text: string,
    regarding: EvaluationGate | Deployment = gate,
  ) => events.push({ regarding, event: { type, reason, action: 'Evaluate', note: text.slice(0, 1024) } });

  let status: EvaluationGateStatus;
  let createJob: Job | undefined;
  const current = { evaluation, templateHash, jobName, deployment: deploymentName };
  if (
    previous?.evaluation === evaluation &&
    previous.verdict !== undefined &&
    FINAL.includes(previous.verdict)
  ) {
    // Decided already: keep the verdict (the conditions restamped with this generation: a spec edit
    // is observed); only the hold below may still have to follow it.
    status = {
      ...previous,
      conditions: nextConditions(
        previous.conditions,
        (previous.conditions ?? []).map(({ type, status, reason, message }) => ({
          type,
          status,
          reason,
          message,
        })),
        generation,
        now,
      ),
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
  } else {
    const job = inputs.jobs.find(
      (j) => j.metadata?.name === jobName && j.metadata?.labels?.[EVALUATION_LABEL] === evaluation,
    );
    // A new evaluation starts from the last passed template only; the numbers are this one's.
    const base: EvaluationGateStatus = {
      ...(previous?.passedTemplateHash ? { passedTemplateHash: previous.passedTemplateHash } : {}),
      ...current,
    };
    if (!job) {
      if (inputs.corpus !== 'Found') {
        const { name, key } = spec.corpus.configMapRef;
        return {
          ...stalled(
            'CorpusNotFound',
            inputs.corpus === 'ConfigMapNotFound'
              ? `ConfigMap ${name} (spec.corpus.configMapRef.name) does not exist in namespace ${gate.metadata.namespace ?? ''}`
              : `ConfigMap ${name} has no key ${key} (spec.corpus.configMapRef.key)`,
            { ...base, verdict: 'Pending' },
          ),
          deleteJobs,
        };
      }
      createJob = replayJob({
        gate,
        spec,
        deployment,
        evaluation,
        templateHash,
        defaultImage: inputs.defaultImage,
      });
      note(
        'Normal',
        'JobStarted',
        `Job ${jobName} replays ${spec.corpus.configMapRef.name}/${spec.corpus.configMapRef.key} against ${spec.candidate ?? 'the agent’s sidecar'} for Deployment ${deploymentName} (template ${templateHash}).`,
      );
      status = withConditions(
        { ...base, verdict: 'Pending' },
        {
          state: 'Reconciling',
          reason: 'Evaluating',
          message: `Job ${jobName} is replaying the corpus against template ${templateHash}`,
        },
        evaluatedCondition('Pending', 'Job started'),
      );
    } else {
      const outcome = replayOutcome(job, inputs.pods);
      switch (outcome.state) {
        case 'Running':
          status = withConditions(
            { ...base, verdict: 'Pending' },
            { state: 'Reconciling', reason: 'Evaluating', message: outcome.message },
            evaluatedCondition('Pending', outcome.message),
          );
          break;
        case 'Summary': {
          const { summary } = outcome;
          const failed = judgeSummary(summary, spec.criteria);
          const verdict: EvaluationVerdict = failed.length === 0 ? 'Pass' : 'Fail';
          const numbers = `${summary.passed}/${summary.cases} passed (${pct(summary.passRate)}), p95 ${Math.round(summary.p95Ms)} ms, ${Math.round(summary.tokensPerCase)} tokens per case`;
          const decided: EvaluationGateStatus = {
            ...base,
            verdict,
            lastEvaluatedAt: now.toISOString(),
            cases: summary.cases,
            passRate: summary.passRate,
            p95Ms: summary.p95Ms,
            tokensPerCase: summary.tokensPerCase,
            ...(summary.similarity !== undefined ? { similarity: summary.similarity } : {}),
            ...(failed.length > 0 ? { failed } : {}),
            ...(verdict === 'Pass' ? { passedTemplateHash: templateHash } : {}),
          };
          const passed = verdict === 'Pass';
          const detail = passed ? numbers : `${numbers}; failed: ${failed.join('; ')}`;
          const what = `template ${templateHash} of Deployment ${deploymentName} ${passed ? 'passed' : 'failed'}: ${detail}`;
          status = withConditions(
            decided,
            passed
              ? { state: 'Ready', reason: 'Passed', message: what }
              : { state: 'Stalled', reason: 'EvaluationFailed', message: what },
            evaluatedCondition(verdict, detail),
          );
          note(
            passed ? 'Normal' : 'Warning',
            passed ? 'Passed' : 'Failed',
            `${what[0]?.toUpperCase()}${what.slice(1)}.`,
          );
          break;
        }
        case 'Unreadable':
        case 'NoResult':
          status = withConditions(
            { ...base, verdict: 'Error', lastEvaluatedAt: now.toISOString() },
            { state: 'Stalled', reason: outcome.reason, message: outcome.message },
            evaluatedCondition('Error', outcome.message),
          );
          note(
            'Warning',
            outcome.reason,
            `${outcome.message}; the version is not judged (set ${EVALUATE_REQUESTED_AT_ANNOTATION} to evaluate again).`,
          );
          break;
      }
    }
  }
  const rollout = planRollout(
    spec,
    gate,
    { ...gate, status },
    deployment,
    templateHash,
    previous?.verdict !== status.verdict || previous?.evaluation !== evaluation,
    note,
  );
  return { status, deleteJobs, ...(createJob ? { createJob } : {}), ...(rollout ? { rollout } : {}), events };
}

/**
 * Enforce: release a Deployment the operator holds once its template passed; keep it paused while
 * it has not (pause it again if someone unpaused it, pause it if the webhook was not called).
 * Observe: release what an earlier Enforce held. Never touches a pause the operator did not set.
 */
function planRollout(
  spec: EvaluationGateSpec,
  gate: EvaluationGate,
  decided: EvaluationGate,
  deployment: Deployment,
  templateHash: string,
  verdictChanged: boolean,
  note: (
    type: 'Normal' | 'Warning',
    reason: string,
    text: string,
    regarding?: EvaluationGate | Deployment,
  ) => void,
): RolloutChange | undefined {
  const name = deployment.metadata?.name ?? '';
  const held = heldFor(deployment as never) !== undefined;
  const paused = deployment.spec?.paused === true;
  const release = (why: string): RolloutChange => {
    const text = `Rollout of Deployment ${name} released: ${why}.`;
    note('Normal', 'RolloutReleased', text);
    note('Normal', 'RolloutReleased', text, deployment);
    return { deployment: name, hold: false, patch: releasePatch(deployment) };
  };
  const hold = (why: string): RolloutChange => {
    const text = `Rollout of Deployment ${name} held (spec.paused) until template ${templateHash} passes EvaluationGate ${gate.metadata.name ?? ''}: ${why}.`;
    note('Warning', 'RolloutHeld', text);
    note('Warning', 'RolloutHeld', text, deployment);
    return { deployment: name, hold: true, patch: holdPatch(deployment, templateHash) };
  };
  if (spec.mode === 'Observe') return held ? release('the gate is in Observe mode') : undefined;
  if (!gateHolds(decided, templateHash)) {
    return held ? release(`template ${templateHash} passed`) : undefined;
  }
  if (!held) return hold('the pod template changed while the rollout-hold webhook did not answer');
  if (!paused) return hold('it was unpaused before the template passed');
  if (!holdApplied(deployment)) return hold('the rollout-hold webhook paused the new template');
  if (verdictChanged && (decided.status?.verdict === 'Fail' || decided.status?.verdict === 'Error')) {
    const text = `Rollout of Deployment ${name} stays held: template ${templateHash} ${decided.status?.verdict === 'Fail' ? 'failed' : 'could not be judged'}; change the template, or set ${EVALUATE_REQUESTED_AT_ANNOTATION} to evaluate again.`;
    note('Warning', 'RolloutHeld', text);
    note('Warning', 'RolloutHeld', text, deployment);
  }
  return undefined;
}

function holdPatch(deployment: Deployment, templateHash: string): Patch {
  return {
    type: 'apply',
    force: true,
    body: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: deployment.metadata?.name ?? '',
        namespace: deployment.metadata?.namespace ?? '',
        annotations: {
          [EVALUATION_HOLD_ANNOTATION]: templateHash,
          [EVALUATION_HOLD_APPLIED_ANNOTATION]: templateHash,
        },
      },
      spec: { paused: true },
    },
  };
}

function releasePatch(deployment: Deployment): Patch {
  return {
    type: 'merge',
    body: {
      metadata: {
        resourceVersion: deployment.metadata?.resourceVersion,
        annotations: { [EVALUATION_HOLD_ANNOTATION]: null, [EVALUATION_HOLD_APPLIED_ANNOTATION]: null },
      },
      spec: { paused: false },
    },
  };
}

function evaluatedCondition(verdict: EvaluationVerdict, message: string): ConditionDecision {
  const status = verdict === 'Pass' ? 'True' : verdict === 'Pending' ? 'Unknown' : 'False';
  const reason =
    verdict === 'Pass'
      ? 'Passed'
      : verdict === 'Fail'
        ? 'Failed'
        : verdict === 'Error'
          ? 'NotJudged'
          : 'Evaluating';
  return { type: 'Evaluated', status, reason, message };
}

/** What the status keeps across evaluations: the last passed template and the last numbers. */
function carried(previous: EvaluationGateStatus | undefined): EvaluationGateStatus {
  if (!previous) return {};
  const { conditions: _c, observedGeneration: _g, ...rest } = previous;
  return rest;
}

function pct(rate: number): string {
  return `${Math.round(rate * 1000) / 10} %`;
}
