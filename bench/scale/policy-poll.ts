// The policy long-poll of one simulated sidecar: the first poll without `after` (answered at once,
// tried again every 500 ms until it is), then — as the sidecar's policy source does — a watch
// (`?after=<version>&watch=true`: a line per version, the stream ended after ~30 s and opened again
// at once; docs/adr/0075), or with --long-poll `?after=<version>` held until the version changes
// (200) or ~30 s pass (304), polled again at once. A failed answer is counted and the poll paused: 200 ms
// after an error, 1 s after a status other than 200 and 304 (a 503 past --max-long-poll-waiters says
// Retry-After: 1). The loop runs in the benchmark's main thread (InProcessPoll, --poll-workers 0) or
// in a poll worker (poll-worker.ts); either way a SimulatedSidecar sees it as a SidecarPoll.
import type { Client } from 'undici';
import type { PolicySummary } from './poll-answers.js';
import type { PolicyAnswer, SidecarLink } from './sidecar-link.js';

/** Where a sidecar's long-poll delivers: each policy read with when it was read, each failure. */
export interface PollSink {
  policy(policy: PolicySummary, at: number): void;
  failure(): void;
}

/** One sidecar's long-poll, wherever it runs. */
export interface SidecarPoll {
  /** Resolves true once the first policy was delivered (the poll then follows until stop), false if stopped first. */
  start(sink: PollSink): Promise<boolean>;
  stop(): Promise<void>;
}

/** One poll: `after` absent for the first. */
export type ReadPolicy = (after?: string) => Promise<PolicyAnswer>;

/** One watch from `after`: each policy to `onPolicy`; resolves with the status when the stream ends. */
export type WatchPolicy = (after: string, onPolicy: (policy: PolicySummary) => void) => Promise<number>;

/** The first policy, tried every 500 ms; undefined once `stopped()` says so. Failures here are not counted. */
export async function firstPolicy(
  read: ReadPolicy,
  stopped: () => boolean,
): Promise<PolicySummary | undefined> {
  for (;;) {
    const answer = await read().catch(() => undefined);
    if (answer?.policy) return answer.policy;
    if (stopped()) return undefined;
    await pause(500);
  }
}

/**
 * Follows the policy from `version` until `stopped()`: each policy and each failure (its status, 0
 * for an error) to the sink. With `watch`, by watches; otherwise by long-polls.
 */
export async function followPolicy(
  read: ReadPolicy,
  version: string,
  sink: { policy(policy: PolicySummary): void; failure(status: number): void },
  stopped: () => boolean,
  watch?: WatchPolicy,
): Promise<void> {
  let after = version;
  while (watch && !stopped()) {
    let status: number;
    try {
      status = await watch(after, (policy) => {
        after = policy.version;
        sink.policy(policy);
      });
    } catch {
      if (stopped()) return;
      sink.failure(0);
      await pause(200);
      continue;
    }
    if (status !== 200) {
      sink.failure(status);
      await pause(1_000); // 503 past --max-long-poll-waiters says Retry-After: 1
    }
  }
  while (!stopped()) {
    let answer: PolicyAnswer;
    try {
      answer = await read(after);
    } catch {
      if (stopped()) return;
      sink.failure(0);
      await pause(200);
      continue;
    }
    if (answer.policy) {
      after = answer.policy.version;
      sink.policy(answer.policy);
    } else if (answer.status !== 304) {
      sink.failure(answer.status);
      await pause(1_000); // 503 past --max-long-poll-waiters says Retry-After: 1
    }
  }
}

/** The long-poll in this thread, over a keep-alive connection of its own; ends when the link is closed. */
export class InProcessPoll implements SidecarPoll {
  private stopped = false;
  private loop: Promise<void> | undefined;
  private readonly connection: Client;

  constructor(
    private readonly link: SidecarLink,
    private readonly agent: { namespace: string; name: string },
    /** Follow by watches (the sidecar's way); false: by long-polls (--long-poll). */
    private readonly watching = true,
  ) {
    this.connection = link.pollConnection();
  }

  async start(sink: PollSink): Promise<boolean> {
    const read: ReadPolicy = (after) =>
      this.link.policy(this.connection, this.agent.namespace, this.agent.name, after);
    const watch: WatchPolicy = (after, onPolicy) =>
      this.link.watch(this.connection, this.agent.namespace, this.agent.name, after, onPolicy);
    const first = await firstPolicy(read, () => this.stopped);
    if (!first) return false;
    sink.policy(first, performance.now());
    this.loop = followPolicy(
      read,
      first.version,
      { policy: (policy) => sink.policy(policy, performance.now()), failure: () => sink.failure() },
      () => this.stopped,
      this.watching ? watch : undefined,
    );
    return true;
  }

  /** A held poll ends when the link is closed. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
