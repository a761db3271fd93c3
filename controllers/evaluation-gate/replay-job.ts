// The Job that evaluates one version of an agent: `agent-governor replay` over the gate's corpus
// against the candidate, the summary written to the termination message for the controller to read
// (apis/replay-summary.ts). Pure: what the Job looks like, decided from the gate, the Deployment's
// pod template and the evaluation.
//
// With the default candidate (the agent's sidecar on 127.0.0.1:4000) the replay pod carries the new
// pod template's labels and ServiceAccount, so the sidecar injection webhook injects the agent's
// sidecar into it, governed as the new version's pods will be. With `spec.candidate` the pod is a
// plain client of that URL and carries no agent label (it is no agent workload).
import { createHash } from 'node:crypto';
import { parseDuration } from '../../apis/duration.js';
import {
  DEFAULT_CANDIDATE,
  EVALUATION_GATE_LABEL,
  EVALUATION_LABEL,
  type EvaluationCriteria,
  type EvaluationGate,
  type EvaluationGateSpec,
} from '../../apis/evaluation-gate.js';
import { API_VERSION } from '../../apis/group-version.js';
import type { Deployment, Job } from '../../runtime/kube/resources.js';

export const REPLAY_CONTAINER = 'replay';
export const CORPUS_MOUNT = '/corpus';
export const TERMINATION_LOG = '/dev/termination-log';

/** The evaluation of a template hash, asked again by each new evaluate-requested-at value. */
export function evaluationId(templateHash: string, requestedAt: string | undefined): string {
  if (!requestedAt) return templateHash;
  return createHash('sha256').update(`${templateHash}\n${requestedAt}`).digest('hex').slice(0, 16);
}

/** `<gate>-eval-<10 hex>`: at most 56 characters, so the Job's pods' job-name label fits. */
export function replayJobName(gateName: string, evaluation: string): string {
  return `${gateName.slice(0, 40).replace(/[-.]+$/, '')}-eval-${evaluation.slice(0, 10)}`;
}

/** The replay's command line after the image's entrypoint (`agent-governor`). */
export function replayArgs(spec: EvaluationGateSpec): string[] {
  const criteria: EvaluationCriteria = spec.criteria;
  return [
    'replay',
    '--corpus',
    `${CORPUS_MOUNT}/${spec.corpus.configMapRef.key}`,
    '--candidate',
    spec.candidate ?? DEFAULT_CANDIDATE,
    '--min-pass-rate',
    String(criteria.minPassRate),
    ...(criteria.maxP95Ms !== undefined ? ['--max-p95-ms', String(criteria.maxP95Ms)] : []),
    ...(criteria.maxTokensPerCase !== undefined
      ? ['--max-tokens-per-case', String(criteria.maxTokensPerCase)]
      : []),
    ...(criteria.minSimilarity !== undefined ? ['--min-similarity', String(criteria.minSimilarity)] : []),
    '--summary-file',
    TERMINATION_LOG,
  ];
}

export interface ReplayJobInput {
  gate: EvaluationGate;
  /** The gate's spec with defaults applied. */
  spec: EvaluationGateSpec;
  deployment: Deployment;
  evaluation: string;
  templateHash: string;
  /** When the gate names none: the operator's own image. */
  defaultImage: string;
}

export function replayJob(input: ReplayJobInput): Job {
  const { gate, spec, deployment, evaluation } = input;
  const gateName = gate.metadata.name ?? '';
  const ours = {
    'app.kubernetes.io/managed-by': 'agent-governor',
    'app.kubernetes.io/component': 'evaluation',
    [EVALUATION_GATE_LABEL]: gateName,
    [EVALUATION_LABEL]: evaluation,
  };
  const template = deployment.spec?.template;
  const asTheAgent = spec.candidate === undefined;
  const timeoutSeconds = Math.max(1, Math.ceil(parseDuration(spec.timeout) / 1000));
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: replayJobName(gateName, evaluation),
      namespace: gate.metadata.namespace ?? '',
      labels: ours,
      annotations: {
        'governor.agents.dev/deployment': deployment.metadata?.name ?? '',
        'governor.agents.dev/template-hash': input.templateHash,
      },
      ownerReferences: [
        {
          apiVersion: API_VERSION,
          kind: 'EvaluationGate',
          name: gateName,
          uid: gate.metadata.uid ?? '',
          controller: true,
        },
      ],
    },
    spec: {
      // Exit 1 (a criterion failed) is an answer, not a fault to retry.
      backoffLimit: 0,
      activeDeadlineSeconds: timeoutSeconds,
      template: {
        metadata: {
          labels: { ...(asTheAgent ? (template?.metadata?.labels ?? {}) : {}), ...ours },
        },
        spec: {
          restartPolicy: 'Never',
          ...(asTheAgent && template?.spec?.serviceAccountName
            ? { serviceAccountName: template.spec.serviceAccountName }
            : {}),
          containers: [
            {
              name: REPLAY_CONTAINER,
              image: spec.image ?? input.defaultImage,
              imagePullPolicy: 'IfNotPresent',
              args: replayArgs(spec),
              terminationMessagePath: TERMINATION_LOG,
              terminationMessagePolicy: 'File',
              volumeMounts: [{ name: 'corpus', mountPath: CORPUS_MOUNT, readOnly: true }],
              resources: { requests: { cpu: '50m', memory: '128Mi' }, limits: { memory: '256Mi' } },
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65532,
                readOnlyRootFilesystem: true,
                allowPrivilegeEscalation: false,
                capabilities: { drop: ['ALL'] },
                seccompProfile: { type: 'RuntimeDefault' },
              },
            },
          ],
          volumes: [
            {
              name: 'corpus',
              configMap: {
                name: spec.corpus.configMapRef.name,
                items: [{ key: spec.corpus.configMapRef.key, path: spec.corpus.configMapRef.key }],
              },
            },
          ],
        },
      },
    },
  };
}
