// The EvaluationGate controller: evaluates each new pod template of a gated agent's Deployment in a
// replay Job, writes the verdict, and in Enforce mode releases the rollout the rollout-hold webhook
// paused once the version passes. evaluation-gate-plan.ts decides; this file reads the caches and
// the corpus ConfigMap and carries the plan out (docs/adr/0055-evaluation-gate-on-rollout.md).
import { Counter, type Registry } from 'prom-client';
import { isAgentWorkload } from '../../agents/agent-workload.js';
import { evaluationGates } from '../../agents/governor-resources.js';
import { deploymentAgent, heldFor } from '../../agents/rollout-hold.js';
import { EVALUATION_GATE_LABEL, type EvaluationGate } from '../../apis/evaluation-gate.js';
import { podTemplateHash } from '../../governance/pod-template-hash.js';
import {
  type ControllerFactory,
  defineController,
  type ReconcileContext,
  watch,
} from '../../runtime/controller/controller-definition.js';
import { PlanExecutor } from '../../runtime/controller/plan-executor.js';
import { done, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { isAlreadyExists } from '../../runtime/kube/api-error.js';
import type { KubeObject, ObjectKey } from '../../runtime/kube/kube-object.js';
import {
  configMaps,
  type Deployment,
  deployments,
  type Job,
  jobs,
  type Pod,
  pods,
} from '../../runtime/kube/resources.js';
import { type CorpusState, type EvaluationGatePlan, planEvaluationGate } from './evaluation-gate-plan.js';

export const EVALUATION_GATE_CONTROLLER = 'evaluation-gate';

export interface EvaluationGateControllerOptions {
  /** The replay Job's image when a gate names none: the operator's own. */
  defaultImage: string;
}

const OWNED_SELECTOR = EVALUATION_GATE_LABEL;

/** The gate a Job or pod of an evaluation belongs to, by its label. */
function ownerGate(object: KubeObject): ObjectKey[] {
  const name = object.metadata?.labels?.[EVALUATION_GATE_LABEL];
  return name ? [{ namespace: object.metadata?.namespace ?? '', name }] : [];
}

export function evaluationGateController(options: EvaluationGateControllerOptions): ControllerFactory {
  return (environment) => {
    const verdicts = verdictCounter(environment.registry);
    return defineController({
      name: EVALUATION_GATE_CONTROLLER,
      watches: [
        watch({ resource: evaluationGates }),
        watch({
          resource: deployments,
          // The filter every agent-workload watch uses, so the informer is shared.
          filter: isAgentWorkload,
          mapToKeys: (deployment: Deployment, cache) =>
            cache(evaluationGates)
              .list(deployment.metadata?.namespace)
              .filter((g) => g.spec.agent === deploymentAgent(deployment))
              .map((g) => ({ namespace: g.metadata.namespace ?? '', name: g.metadata.name ?? '' })),
          // Replica counts and rollout progress change nothing a gate reads.
          changed: (old: Deployment, current: Deployment) =>
            podTemplateHash(old.spec?.template) !== podTemplateHash(current.spec?.template) ||
            old.spec?.paused !== current.spec?.paused ||
            heldFor(old) !== heldFor(current),
        }),
        watch({ resource: jobs, labelSelector: OWNED_SELECTOR, mapToKeys: (job: Job) => ownerGate(job) }),
        watch({ resource: pods, labelSelector: OWNED_SELECTOR, mapToKeys: (pod: Pod) => ownerGate(pod) }),
      ],
      async reconcile(key, context) {
        const gate = context.cache(evaluationGates).get(key);
        if (!gate || gate.metadata.deletionTimestamp) return done;
        const read = (corpus: CorpusState) =>
          planEvaluationGate({
            gate,
            deployments: context
              .cache(deployments)
              .list(key.namespace)
              .filter((d) => deploymentAgent(d) === gate.spec.agent),
            jobs: context
              .cache(jobs)
              .list(key.namespace)
              .filter((j) => ownerGate(j)[0]?.name === key.name),
            pods: context
              .cache(pods)
              .list(key.namespace)
              .filter((p) => ownerGate(p)[0]?.name === key.name),
            corpus,
            defaultImage: options.defaultImage,
            now: context.now(),
          });
        // The corpus is read only when a Job is about to be made (it may be large).
        let plan = read('Found');
        if (plan.createJob) {
          const corpus = await corpusState(context, gate);
          if (corpus !== 'Found') plan = read(corpus);
        }
        const conflicted = await carryOut(plan, gate, key, context);
        if (plan.status.verdict !== gate.status?.verdict && plan.status.verdict !== undefined) {
          verdicts.inc({ namespace: key.namespace, gate: key.name, verdict: plan.status.verdict });
        }
        // A Deployment changed since the cache showed it: plan again on a fresh view.
        return conflicted ? requeueAfter(1000) : done;
      },
    });
  };
}

/** Executes the plan in its order; true when the Deployment patch met a conflict. */
async function carryOut(
  plan: EvaluationGatePlan,
  gate: EvaluationGate,
  key: ObjectKey,
  context: ReconcileContext,
): Promise<boolean> {
  for (const name of plan.deleteJobs) {
    await context.client.delete(
      jobs,
      { namespace: key.namespace, name },
      { propagationPolicy: 'Background' },
    );
  }
  if (plan.createJob) {
    try {
      await context.client.create(jobs, plan.createJob);
    } catch (err) {
      // The cache had not shown our own Job yet: it is the same evaluation's.
      if (!isAlreadyExists(err)) throw err;
    }
  }
  const executor = new PlanExecutor(context);
  await executor.writeStatus({ resource: evaluationGates, key, current: gate.status, next: plan.status });
  let conflicted = false;
  if (plan.rollout) {
    const outcomes = await executor.applyInOrder([
      {
        resource: deployments,
        key: { namespace: key.namespace, name: plan.rollout.deployment },
        patch: plan.rollout.patch,
      },
    ]);
    conflicted = outcomes.conflicts.length > 0;
    // A conflict: the events of the hold or release are recorded by the plan that applies it.
    if (conflicted) {
      executor.record(
        plan.events.filter((e) => e.event.reason !== 'RolloutHeld' && e.event.reason !== 'RolloutReleased'),
      );
      return true;
    }
  }
  executor.record(plan.events);
  return conflicted;
}

async function corpusState(context: ReconcileContext, gate: EvaluationGate): Promise<CorpusState> {
  const { name, key } = gate.spec.corpus.configMapRef;
  const configMap = await context.client.get(configMaps, { namespace: gate.metadata.namespace ?? '', name });
  if (!configMap) return 'ConfigMapNotFound';
  return configMap.data?.[key] !== undefined || configMap.binaryData?.[key] !== undefined
    ? 'Found'
    : 'KeyNotFound';
}

function verdictCounter(registry: Registry): Counter {
  const name = 'governor_operator_evaluations_total';
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Counter;
  return new Counter({
    name,
    help: 'Verdicts EvaluationGates reached (Pending when an evaluation starts), by gate and verdict.',
    labelNames: ['namespace', 'gate', 'verdict'],
    registers: [registry],
  });
}
