// What a replay Job came to, read from its pod's termination message (the summary
// `agent-governor replay --summary-file /dev/termination-log` wrote) and the Job's conditions. Pure.
// A message that is not a summary — a crash's stack trace, nothing at all — is reported as such,
// never read as a verdict: only a summary that parses can pass.
import { parseReplaySummary, type ReplaySummary } from '../../apis/replay-summary.js';
import type { Job, Pod } from '../../runtime/kube/resources.js';
import { REPLAY_CONTAINER } from './replay-job.js';

export type ReplayOutcome =
  | { state: 'Running'; message: string }
  | { state: 'Summary'; summary: ReplaySummary; exitCode: number; pod: string }
  /** The replay ended but left no summary that parses. */
  | { state: 'Unreadable'; reason: 'UnreadableSummary' | 'ReplayRefusedInput'; message: string }
  /** The Job failed and no replay container ended (deadline exceeded, pod never started). */
  | { state: 'NoResult'; reason: 'EvaluationTimedOut' | 'ReplayJobFailed'; message: string };

/** The outcome of `job`, from the pods given (those of the Job; others are ignored). */
export function replayOutcome(job: Job, pods: readonly Pod[]): ReplayOutcome {
  const jobName = job.metadata?.name ?? '';
  const uid = job.metadata?.uid;
  const ended = pods
    .filter((p) => ownedBy(p, jobName, uid))
    .flatMap((p) => {
      const status = p.status?.containerStatuses?.find((c) => c.name === REPLAY_CONTAINER);
      const terminated = status?.state?.terminated;
      return terminated ? [{ pod: p.metadata?.name ?? '', terminated }] : [];
    })
    .sort((a, b) => (a.terminated.finishedAt ?? '').localeCompare(b.terminated.finishedAt ?? ''));
  const last = ended.at(-1);
  if (last) {
    const { exitCode, message = '' } = last.terminated;
    try {
      return { state: 'Summary', summary: parseReplaySummary(message), exitCode, pod: last.pod };
    } catch (err) {
      const why = (err as Error).message;
      if (exitCode === 2) {
        return {
          state: 'Unreadable',
          reason: 'ReplayRefusedInput',
          message: `replay in pod ${last.pod} refused its input (exit 2): ${head(message) || why}`,
        };
      }
      return {
        state: 'Unreadable',
        reason: 'UnreadableSummary',
        message: `replay in pod ${last.pod} ended (exit ${exitCode}) without a summary: ${why}`,
      };
    }
  }
  const failed = job.status?.conditions?.find((c) => c.type === 'Failed' && c.status === 'True');
  if (failed) {
    const deadline = failed.reason === 'DeadlineExceeded';
    return {
      state: 'NoResult',
      reason: deadline ? 'EvaluationTimedOut' : 'ReplayJobFailed',
      message: deadline
        ? `Job ${jobName} ran past its deadline (spec.timeout, ${job.spec?.activeDeadlineSeconds ?? '?'} s) before the replay ended`
        : `Job ${jobName} failed (${failed.reason ?? 'no reason'}: ${failed.message ?? ''}) before the replay ended`,
    };
  }
  return { state: 'Running', message: `Job ${jobName} is replaying the corpus` };
}

function ownedBy(pod: Pod, jobName: string, uid: string | undefined): boolean {
  const owner = pod.metadata?.ownerReferences?.find((o) => o.kind === 'Job');
  if (owner) return owner.name === jobName && (uid === undefined || owner.uid === uid);
  const labels = pod.metadata?.labels ?? {};
  return (labels['batch.kubernetes.io/job-name'] ?? labels['job-name']) === jobName;
}

function head(text: string): string {
  return text.trim().slice(0, 300);
}
