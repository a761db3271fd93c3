import { z } from 'zod';
import { conditions, observedGeneration } from './condition.js';
import { duration } from './duration.js';
import { GROUP } from './group-version.js';
import { resource } from './resource.js';

/**
 * `EvaluationGate` (namespaced): when the pod template of an agent's Deployment changes, the
 * operator replays a corpus of captured calls against the new version in a Job
 * (`agent-governor replay`), judges the summary against the criteria, and — in Enforce mode — holds
 * the rollout (`spec.paused`) until the version passes (docs/adr/0055-evaluation-gate-on-rollout.md).
 */

export const EVALUATION_MODES = ['Enforce', 'Observe'] as const;
export type EvaluationMode = (typeof EVALUATION_MODES)[number];

export const EVALUATION_VERDICTS = ['Pending', 'Pass', 'Fail', 'Error'] as const;
export type EvaluationVerdict = (typeof EVALUATION_VERDICTS)[number];

/** Set (to any new value, e.g. a timestamp) on a gate to evaluate the current version again. */
export const EVALUATE_REQUESTED_AT_ANNOTATION = `${GROUP}/evaluate-requested-at`;
/**
 * On a Deployment the gate holds: the template hash it was paused for. Only a Deployment carrying it
 * is ever unpaused by the operator — a pause a person set stays theirs.
 */
export const EVALUATION_HOLD_ANNOTATION = `${GROUP}/evaluation-hold`;
/**
 * Beside the hold annotation, written only by the operator's server-side apply of the hold (value:
 * the same hash): says the operator owns `spec.paused` (the webhook's pause is owned by whoever made
 * the write, e.g. a GitOps tool, whose next apply would drop it).
 */
export const EVALUATION_HOLD_APPLIED_ANNOTATION = `${GROUP}/evaluation-hold-applied`;
/** On the gate's Jobs and their pods: the gate's name and the evaluation (template hash, request). */
export const EVALUATION_GATE_LABEL = `${GROUP}/evaluation-gate`;
export const EVALUATION_LABEL = `${GROUP}/evaluation`;

/** The candidate the replay calls when `spec.candidate` is not set: the injected sidecar's proxy. */
export const DEFAULT_CANDIDATE = 'http://127.0.0.1:4000';
export const DEFAULT_EVALUATION_TIMEOUT = '10m';

const K8S_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const CONFIG_MAP_KEY = /^[-._a-zA-Z0-9]+$/;

export const evaluationCriteria = z
  .object({
    minPassRate: z
      .number()
      .min(0, { message: 'must be between 0 and 1' })
      .max(1, { message: 'must be between 0 and 1' })
      .meta({ description: 'Share of cases that must pass, 0 to 1 (0.95: 95 %).' }),
    maxP95Ms: z.number().min(0).optional().meta({
      description: "Highest acceptable 95th percentile of the candidate's latency, in milliseconds.",
    }),
    maxTokensPerCase: z
      .number()
      .min(0)
      .optional()
      .meta({ description: 'Highest acceptable mean of input + output tokens per case.' }),
    minSimilarity: z
      .number()
      .min(0, { message: 'must be between 0 and 1' })
      .max(1, { message: 'must be between 0 and 1' })
      .optional()
      .meta({
        description: 'Lowest acceptable mean similarity of the answers to the captured ones, 0 to 1.',
      }),
  })
  .meta({ description: 'What the replay must achieve for the version to pass.' });
export type EvaluationCriteria = z.infer<typeof evaluationCriteria>;

export const evaluationGateSpec = z
  .object({
    agent: z
      .string()
      .min(1)
      .max(63)
      .meta({
        description:
          'The agent (value of the governor.agents.dev/agent label on the pod template) whose Deployment in this ' +
          'namespace is evaluated.',
      }),
    corpus: z
      .object({
        configMapRef: z
          .object({
            name: z
              .string()
              .max(253)
              .regex(K8S_NAME, { message: 'must be a ConfigMap name (lower-case letters, digits, -)' })
              .meta({ description: 'ConfigMap in the gate’s namespace.' }),
            key: z
              .string()
              .max(253)
              .regex(CONFIG_MAP_KEY, { message: 'must be a ConfigMap key (letters, digits, -, _, .)' })
              .meta({
                description: 'Key holding the corpus (the JSON lines of agent-governor capture export).',
              }),
          })
          .meta({ description: 'The ConfigMap key mounted into the replay Job at /corpus/<key>.' }),
      })
      .meta({ description: 'The captured calls to replay.' }),
    criteria: evaluationCriteria,
    mode: z
      .enum(EVALUATION_MODES, { error: () => 'must be Enforce or Observe' })
      .default('Observe')
      .meta({
        description:
          'Enforce holds the rollout of a new pod template (spec.paused) until it passes; Observe evaluates and ' +
          'reports only (default).',
      }),
    image: z
      .string()
      .min(1)
      .max(512)
      .optional()
      .meta({ description: "Image of the replay Job; default the operator's own image." }),
    timeout: duration(
      'Longest an evaluation may take (the Job’s activeDeadlineSeconds); default 10m.',
    ).default(DEFAULT_EVALUATION_TIMEOUT),
    candidate: z
      .string()
      .max(2048)
      .regex(/^https?:\/\/[^\s]+$/, { message: 'must be an http:// or https:// URL' })
      .optional()
      .meta({
        description:
          "URL the replay sends the corpus to. Default http://127.0.0.1:4000: the agent's sidecar, injected into " +
          "the replay pod, which carries the new pod template's labels and ServiceAccount.",
      }),
  })
  .meta({
    description: 'Which agent to evaluate, on what, against which criteria, and whether to hold rollouts.',
  });

export const evaluationGateStatus = z
  .object({
    verdict: z
      .enum(EVALUATION_VERDICTS)
      .optional()
      .meta({ description: 'Pending, Pass, Fail, or Error (the evaluation could not be judged).' }),
    templateHash: z
      .string()
      .max(64)
      .optional()
      .meta({ description: "Hash of the Deployment's pod template the verdict is for." }),
    passedTemplateHash: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'Hash of the last pod template that passed: the one a rollout is not held for.' }),
    evaluation: z.string().max(64).optional().meta({
      description: 'The evaluation: template hash and evaluate-requested-at, hashed; names the Job.',
    }),
    jobName: z.string().max(63).optional().meta({ description: 'The replay Job of the evaluation.' }),
    deployment: z.string().max(253).optional().meta({ description: 'The Deployment evaluated.' }),
    lastEvaluatedAt: z
      .string()
      .max(64)
      .optional()
      .meta({ description: 'When the last verdict was reached (RFC 3339).', format: 'date-time' }),
    cases: z.int().min(0).optional().meta({ description: 'Cases replayed.' }),
    passRate: z.number().min(0).max(1).optional().meta({ description: 'Share of cases that passed.' }),
    p95Ms: z
      .number()
      .min(0)
      .optional()
      .meta({ description: "95th percentile of the candidate's latency (ms)." }),
    tokensPerCase: z.number().min(0).optional().meta({ description: 'Mean input + output tokens per case.' }),
    similarity: z.number().min(0).max(1).optional().meta({ description: 'Mean similarity, when measured.' }),
    failed: z
      .array(z.string().max(200))
      .max(10)
      .optional()
      .meta({ description: 'The criteria the version failed, one line each.' }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'The last evaluation and its verdict.' });

export const evaluationGate = resource('EvaluationGate', evaluationGateSpec, evaluationGateStatus);
export type EvaluationGate = z.infer<typeof evaluationGate>;
export type EvaluationGateSpec = z.infer<typeof evaluationGateSpec>;
export type EvaluationGateStatus = z.infer<typeof evaluationGateStatus>;
