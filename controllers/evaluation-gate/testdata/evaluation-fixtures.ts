// Objects the EvaluationGate unit tests plan from: a gate, the agent's Deployment, a replay Job and
// the pod a kubelet would have ended with a termination message.
import type { EvaluationGate } from '../../../apis/evaluation-gate.js';
import { formatReplaySummary, type ReplaySummary } from '../../../apis/replay-summary.js';
import type { Deployment, Job, Pod } from '../../../runtime/kube/resources.js';
import { REPLAY_CONTAINER } from '../replay-job.js';

export const NOW = new Date('2026-12-06T20:00:00Z');

export function gate(
  spec: Partial<EvaluationGate['spec']> = {},
  status?: EvaluationGate['status'],
  annotations?: Record<string, string>,
): EvaluationGate {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EvaluationGate',
    metadata: {
      name: 'support-gate',
      namespace: 'agents',
      uid: 'gate-uid',
      generation: 1,
      ...(annotations ? { annotations } : {}),
    },
    spec: {
      agent: 'support',
      corpus: { configMapRef: { name: 'support-corpus', key: 'corpus.jsonl' } },
      criteria: { minPassRate: 0.9, maxP95Ms: 2000 },
      mode: 'Enforce',
      timeout: '10m',
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

/**
 * The agent's Deployment; `hold` annotates it as held for that template hash, and unless `applied`
 * is false it carries the operator's hold-applied annotation, as after the operator's own apply.
 */
export function deployment(
  image: string,
  extra: { paused?: boolean; hold?: string; applied?: boolean } = {},
): Deployment {
  const applied = extra.hold !== undefined && extra.applied !== false;
  const annotations = {
    ...(extra.hold ? { 'governor.agents.dev/evaluation-hold': extra.hold } : {}),
    ...(applied && extra.hold ? { 'governor.agents.dev/evaluation-hold-applied': extra.hold } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'support',
      namespace: 'agents',
      resourceVersion: '42',
      ...(extra.hold ? { annotations } : {}),
    },
    spec: {
      selector: { matchLabels: { app: 'support' } },
      ...(extra.paused !== undefined ? { paused: extra.paused } : {}),
      template: {
        metadata: { labels: { app: 'support', 'governor.agents.dev/agent': 'support' } },
        spec: { serviceAccountName: 'support', containers: [{ name: 'app', image }] },
      },
    },
  };
}

export const passing: ReplaySummary = {
  v: 1,
  cases: 20,
  passed: 19,
  passRate: 0.95,
  p50Ms: 300,
  p95Ms: 900,
  tokensPerCase: 120,
  errors: 0,
  verdict: 'Pass',
  failed: [],
};

export const failing: ReplaySummary = {
  ...passing,
  passed: 12,
  passRate: 0.6,
  verdict: 'Fail',
  failed: ['passRate 0.6 < 0.9'],
};

/** A Job as the cache shows it after the controller created `made`, with a Failed condition if asked. */
export function jobFrom(made: Job, failed?: { reason: string; message: string }): Job {
  return {
    ...made,
    metadata: { ...made.metadata, uid: 'job-uid' },
    ...(failed
      ? {
          status: {
            conditions: [
              { type: 'Failed', status: 'True', lastTransitionTime: NOW.toISOString(), ...failed },
            ],
          },
        }
      : {}),
  };
}

/** The Job's pod, its replay container ended with `message` (or still running without one). */
export function podOf(job: Job, ended?: { exitCode: number; message?: string }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${job.metadata?.name ?? ''}-x7k2p`,
      namespace: 'agents',
      labels: {
        ...(job.spec?.template.metadata?.labels ?? {}),
        'batch.kubernetes.io/job-name': job.metadata?.name ?? '',
      },
      ownerReferences: [
        { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata?.name ?? '', uid: 'job-uid' },
      ],
    },
    spec: { containers: [] },
    status: {
      containerStatuses: [
        {
          name: REPLAY_CONTAINER,
          image: 'img',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: ended
            ? {
                terminated: {
                  exitCode: ended.exitCode,
                  message: ended.message ?? '',
                  finishedAt: NOW.toISOString(),
                },
              }
            : { running: { startedAt: NOW.toISOString() } },
        },
      ],
    },
  };
}

export { formatReplaySummary };
