// The main thread's side of the poll workers (--poll-workers, default 2): it starts the workers
// (poll-worker.ts), gives each the long-polls of its share of the simulated sidecars (round robin),
// and hands each answer a worker read to its sidecar, the moment put on this thread's clock. Why the
// long-polls run there: one event loop, busy with the usage posts and lease asks of 10,000 sidecars,
// read the 10,000 answers of a crossing one after the other, where real sidecars — each a process
// of its own — read them at once (docs/adr/0073).
import type { EventLoopUtilization } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { PollSink, SidecarPoll } from './policy-poll.js';
import {
  type FromPollWorker,
  onThisClock,
  type PolledAnswer,
  type PollWorkerData,
  type ToPollWorker,
  workerOf,
} from './poll-answers.js';

interface Follower {
  sink: PollSink;
  /** Resolves start(): true at the first policy, false when stopped or closed before it. */
  started?: (held: boolean) => void;
  failed?: (error: Error) => void;
}

export class PollWorkers {
  private readonly workers: Worker[];
  private readonly exited: Array<Promise<number>>;
  private readonly followers = new Map<number, Follower>();
  private closing = false;
  /** The first worker's failure: every start after it fails with it. */
  private failure: Error | undefined;

  constructor(options: {
    urls: string[];
    ca: string;
    token: string;
    workers: number;
    flushMs?: number;
    /** Follow by watches (default, the sidecar's way); false: by long-polls. */
    watch?: boolean;
  }) {
    const data: PollWorkerData = {
      urls: options.urls,
      ca: options.ca,
      token: options.token,
      flushMs: options.flushMs ?? 5,
      watch: options.watch ?? true,
    };
    this.workers = Array.from(
      { length: options.workers },
      () => new Worker(new URL('./poll-worker.js', import.meta.url), { workerData: data }),
    );
    this.exited = this.workers.map(
      (worker, i) =>
        new Promise<number>((resolve) => {
          worker.on('message', (message: FromPollWorker) => this.deliver(message.answers));
          worker.on('error', (error) => this.fail(new Error(`poll worker ${i} failed: ${error.message}`)));
          worker.on('messageerror', (error) =>
            this.fail(new Error(`poll worker ${i} sent a message that could not be read: ${error.message}`)),
          );
          worker.on('exit', (code) => {
            if (!this.closing) this.fail(new Error(`poll worker ${i} exited (code ${code}) before close`));
            resolve(code);
          });
        }),
    );
  }

  get count(): number {
    return this.workers.length;
  }

  /** Each worker's event-loop use so far (diff two with performance.eventLoopUtilization). */
  loopUse(): EventLoopUtilization[] {
    return this.workers.map((worker) => worker.performance.eventLoopUtilization());
  }

  /** Sidecar `index`'s long-poll to `replica` (an index into the urls), in its worker. */
  poll(index: number, replica: number, agent: { namespace: string; name: string }): SidecarPoll {
    const worker = this.workers[workerOf(index, this.workers.length)] as Worker;
    return {
      start: (sink) =>
        new Promise<boolean>((resolve, reject) => {
          if (this.failure) return reject(this.failure);
          if (this.closing) return resolve(false);
          this.followers.set(index, { sink, started: resolve, failed: reject });
          const message: ToPollWorker = {
            type: 'follow',
            index,
            replica,
            namespace: agent.namespace,
            agent: agent.name,
          };
          worker.postMessage(message);
        }),
      stop: async () => {
        this.followers.get(index)?.started?.(false);
        this.followers.delete(index);
      },
    };
  }

  private deliver(answers: PolledAnswer[]): void {
    for (const answer of answers) {
      const follower = this.followers.get(answer.index);
      if (!follower) continue; // stopped
      if (!answer.policy) {
        follower.sink.failure();
        continue;
      }
      follower.sink.policy(answer.policy, onThisClock(answer.at, performance.timeOrigin));
      if (follower.started) {
        follower.started(true);
        follower.started = undefined;
        follower.failed = undefined;
      }
    }
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const follower of this.followers.values()) follower.failed?.(error);
  }

  /** Each worker closes its connections and exits; resolves with their exit codes (0 each). */
  async close(timeoutMs = 10_000): Promise<number[]> {
    this.closing = true;
    for (const follower of this.followers.values()) follower.started?.(false);
    for (const worker of this.workers) worker.postMessage({ type: 'close' } satisfies ToPollWorker);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    const exited = await Promise.race([Promise.all(this.exited), late]);
    clearTimeout(timer);
    if (exited !== 'late') return exited;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    throw new Error(`poll workers had not exited ${timeoutMs} ms after close; terminated`);
  }
}
