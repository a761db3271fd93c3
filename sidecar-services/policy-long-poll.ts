// The policy long-poll (apis/sidecar-protocol.ts): answer at once when the agent's version differs
// from `after`, otherwise hold the request until a publish changes it (answered from inside the
// publish, so within milliseconds) or until the hold time ends (304). With `watch=true` the answer
// is a stream instead: a line per version, written as each publish changes it, ended when the hold
// time ends (docs/adr/0075-policy-watch-stream.md); a version's line is framed as a chunk once and
// written to each stream's socket as it is (docs/adr/0077-watch-lines-framed-once.md). Waiters —
// polls and streams alike — are bounded; at shutdown every poll gets its 304 and every stream its
// end, with a closed connection.
import type { ServerResponse } from 'node:http';
import { POLICY_VERSION_HEADER, POLICY_WATCH_CONTENT_TYPE } from '../apis/sidecar-protocol.js';
import type { PolicyStore, StoredPolicy } from './policy-store.js';
import { pollDecision } from './policy-version.js';
import { type ServiceError, sendError, sendJson } from './service-answer.js';
import { WatchChunks } from './watch-chunk.js';

export interface PolicyLongPollOptions {
  store: PolicyStore;
  /** How long a poll is held without a change before 304. */
  longPollMs: number;
  /** Polls held at once; beyond, 503 with Retry-After. */
  maxWaiters: number;
  /** Called with every policy version sent: the answer of a poll, or a line of a watch. */
  onPolicySent?: (way: 'poll' | 'watch') => void;
  onWaitersChange?: (waiting: number) => void;
  /**
   * Called once per policy change that answered held polls: how many, and the seconds from the
   * first answer written to the last (the held polls of one agent are answered in one turn).
   */
  onFanout?: (answered: number, seconds: number) => void;
}

interface Waiter {
  /** Ends the hold; `closeConnection` at shutdown. */
  end: (closeConnection: boolean) => void;
}

export class PolicyLongPoll {
  private readonly waiters = new Set<Waiter>();
  /** Each version's watch line as an HTTP chunk, built once for all its streams. */
  private readonly chunks = new WatchChunks<StoredPolicy>();
  /** The change being answered (its stored policy), if any: a store's change wakes its waiters in one go. */
  private fanout: { policy: StoredPolicy; startedAt: number; answered: number } | undefined;

  constructor(private readonly options: PolicyLongPollOptions) {}

  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Answers (now or later) a poll for the agent's policy, or with `watch` streams its versions; the
   * caller has authorized it.
   */
  serve(
    response: ServerResponse,
    namespace: string,
    agent: string,
    after: string | undefined,
    watch = false,
  ): void {
    const { store } = this.options;
    if (after !== undefined) store.noteHeldVersion(namespace, agent, after);
    const current = store.get(namespace, agent);
    const decision = pollDecision(current, after);
    if (decision === 'answer' && current && !watch) {
      this.answer(response, current);
      return;
    }
    if (decision === 'not-found') {
      this.fail(response, {
        status: 404,
        code: 'not_found',
        message:
          `no policy for agent ${namespace}/${agent} yet: no workload in namespace ${namespace} carries the label ` +
          `governor.agents.dev/agent=${agent}, or the operator has not compiled its policy yet`,
      });
      return;
    }
    if (this.waiters.size >= this.options.maxWaiters) {
      this.fail(response, {
        status: 503,
        code: 'unavailable',
        message:
          `this process already holds ${this.waiters.size} policy long-polls, its limit ` +
          `(--max-long-poll-waiters ${this.options.maxWaiters}); retry, or raise the limit or the services replicas`,
        retryAfterSeconds: 1,
      });
      return;
    }
    if (watch) this.stream(response, namespace, agent, decision === 'answer' ? current : undefined, after);
    else this.hold(response, namespace, agent, after);
  }

  /** Answers every waiting poll 304, ends every stream, and closes their connections (shutdown). */
  endAll(): void {
    for (const waiter of [...this.waiters]) waiter.end(true);
  }

  private hold(response: ServerResponse, namespace: string, agent: string, after: string | undefined): void {
    const waiter = this.wait(response, namespace, agent, {
      changed: (policy) => {
        if (pollDecision(policy, after) !== 'answer') return;
        this.countFanout(policy);
        waiter.stop();
        this.answer(response, policy);
      },
      ended: (closeConnection) => {
        sendJson(response, 304, '', closeConnection ? { connection: 'close' } : {});
      },
    });
  }

  /**
   * A stream of the agent's versions: headers at once, then a line per version that differs from
   * the last one sent (`first` at once, when the holder's `after` is not the current version),
   * ended when the hold time ends — the holder comes back with a fresh token, as a poll would.
   */
  private stream(
    response: ServerResponse,
    namespace: string,
    agent: string,
    first: StoredPolicy | undefined,
    after: string | undefined,
  ): void {
    response.writeHead(200, {
      'content-type': POLICY_WATCH_CONTENT_TYPE,
      'cache-control': 'no-store',
    });
    let held = after;
    const send = (policy: StoredPolicy) => {
      held = String(policy.versionNumber);
      // Its chunk straight to the socket while the response is the connection's current one (a
      // pipelined response has no socket yet) and chunked with its head sent; else as any write.
      const socket = response.socket;
      if (socket && response.chunkedEncoding && response.headersSent && !response.writableCorked) {
        socket.write(this.chunks.of(policy, () => `${policy.body}\n`));
      } else {
        response.write(`${policy.body}\n`);
      }
      this.options.onPolicySent?.('watch');
    };
    // The head goes to the socket first, so a chunk written straight after it follows it.
    response.flushHeaders();
    if (first) send(first);
    this.wait(response, namespace, agent, {
      changed: (policy) => {
        if (pollDecision(policy, held) !== 'answer') return;
        this.countFanout(policy);
        send(policy);
      },
      ended: (closeConnection) => {
        if (closeConnection) response.shouldKeepAlive = false;
        response.end();
      },
    });
  }

  /**
   * Holds `response` among the waiters: `changed` with each policy the agent's store publishes
   * while held, `ended` once when the hold time ends or at shutdown; nothing once the client left.
   */
  private wait(
    response: ServerResponse,
    namespace: string,
    agent: string,
    on: { changed: (policy: StoredPolicy) => void; ended: (closeConnection: boolean) => void },
  ): { stop: () => void } {
    const stop = () => {
      clearTimeout(timer);
      unwatch();
      response.off('close', stop);
      this.remove(waiter);
    };
    const waiter: Waiter = {
      end: (closeConnection) => {
        stop();
        on.ended(closeConnection);
      },
    };
    const unwatch = this.options.store.watch(namespace, agent, (policy) => {
      if (policy) on.changed(policy);
    });
    const timer = setTimeout(() => waiter.end(false), this.options.longPollMs);
    response.once('close', stop);
    this.waiters.add(waiter);
    this.options.onWaitersChange?.(this.waiters.size);
    return { stop };
  }

  /**
   * One more held poll answered by `policy`'s change. A store's change calls its watchers one after
   * the other, so a change's fan-out ends where another change's begins (several agents' mirrors can
   * arrive in one turn) or, at the latest, with the turn: a microtask reports the last. A line
   * written straight to a stream's socket is written then; one written through its response (and a
   * poll's answer) only corks the socket, whose writes come a tick later; so the report waits for a
   * tick of its own, queued behind the change's writes.
   */
  private countFanout(policy: StoredPolicy): void {
    const current = this.fanout;
    if (current?.policy === policy) {
      current.answered++;
      return;
    }
    if (current) this.reportFanout(current);
    else
      queueMicrotask(() => {
        if (this.fanout) this.reportFanout(this.fanout);
      });
    this.fanout = { policy, startedAt: performance.now(), answered: 1 };
  }

  private reportFanout(fanout: { startedAt: number; answered: number }): void {
    this.fanout = undefined;
    process.nextTick(() =>
      this.options.onFanout?.(fanout.answered, (performance.now() - fanout.startedAt) / 1_000),
    );
  }

  private remove(waiter: Waiter): void {
    if (this.waiters.delete(waiter)) this.options.onWaitersChange?.(this.waiters.size);
  }

  private answer(response: ServerResponse, policy: StoredPolicy): void {
    sendJson(response, 200, policy.body, { [POLICY_VERSION_HEADER]: policy.version });
    this.options.onPolicySent?.('poll');
  }

  private fail(response: ServerResponse, error: ServiceError): void {
    sendError(response, error);
  }
}
