// The policy long-poll (apis/sidecar-protocol.ts): answer at once when the agent's version differs
// from `after`, otherwise hold the request until a publish changes it (answered from inside the
// publish, so within milliseconds) or until the hold time ends (304). Waiters are bounded; at
// shutdown every waiter gets its 304 and a closed connection.
import type { ServerResponse } from 'node:http';
import { POLICY_VERSION_HEADER } from '../apis/sidecar-protocol.js';
import type { PolicyStore, StoredPolicy } from './policy-store.js';
import { pollDecision } from './policy-version.js';
import { type ServiceError, sendError, sendJson } from './service-answer.js';

export interface PolicyLongPollOptions {
  store: PolicyStore;
  /** How long a poll is held without a change before 304. */
  longPollMs: number;
  /** Polls held at once; beyond, 503 with Retry-After. */
  maxWaiters: number;
  /** Called with the status of every answer. */
  onAnswer?: (status: number) => void;
  onWaitersChange?: (waiting: number) => void;
  /**
   * Called once per policy change that answered held polls: how many, and the seconds from the
   * first answer written to the last (the held polls of one agent are answered in one turn).
   */
  onFanout?: (answered: number, seconds: number) => void;
}

interface Waiter {
  end: (status: 200 | 304, policy?: StoredPolicy, closeConnection?: boolean) => void;
}

export class PolicyLongPoll {
  private readonly waiters = new Set<Waiter>();
  /** The change being answered (its stored policy), if any: a store's change wakes its waiters in one go. */
  private fanout: { policy: StoredPolicy; startedAt: number; answered: number } | undefined;

  constructor(private readonly options: PolicyLongPollOptions) {}

  get waiting(): number {
    return this.waiters.size;
  }

  /** Answers (now or later) a poll for the agent's policy; the caller has authorized it. */
  serve(response: ServerResponse, namespace: string, agent: string, after: string | undefined): void {
    const { store } = this.options;
    if (after !== undefined) store.noteHeldVersion(namespace, agent, after);
    const current = store.get(namespace, agent);
    const decision = pollDecision(current, after);
    if (decision === 'answer' && current) {
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
    this.hold(response, namespace, agent, after);
  }

  /** Answers every waiting poll 304 and closes its connection (shutdown). */
  endAll(): void {
    for (const waiter of [...this.waiters]) waiter.end(304, undefined, true);
  }

  private hold(response: ServerResponse, namespace: string, agent: string, after: string | undefined): void {
    const waiter: Waiter = {
      end: (status, policy, closeConnection = false) => {
        clearTimeout(timer);
        unwatch();
        response.off('close', gone);
        this.remove(waiter);
        if (status === 200 && policy) this.answer(response, policy);
        else {
          sendJson(response, 304, '', closeConnection ? { connection: 'close' } : {});
          this.options.onAnswer?.(304);
        }
      },
    };
    const unwatch = this.options.store.watch(namespace, agent, (policy) => {
      if (policy && pollDecision(policy, after) === 'answer') {
        this.countFanout(policy);
        waiter.end(200, policy);
      }
    });
    const timer = setTimeout(() => waiter.end(304), this.options.longPollMs);
    const gone = () => {
      clearTimeout(timer);
      unwatch();
      this.remove(waiter);
    };
    response.once('close', gone);
    this.waiters.add(waiter);
    this.options.onWaitersChange?.(this.waiters.size);
  }

  /**
   * One more held poll answered by `policy`'s change. A store's change calls its watchers one after
   * the other, so a change's fan-out ends where another change's begins (several agents' mirrors can
   * arrive in one turn) or, at the latest, with the turn: a microtask reports the last.
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
    this.options.onFanout?.(fanout.answered, (performance.now() - fanout.startedAt) / 1_000);
  }

  private remove(waiter: Waiter): void {
    if (this.waiters.delete(waiter)) this.options.onWaitersChange?.(this.waiters.size);
  }

  private answer(response: ServerResponse, policy: StoredPolicy): void {
    sendJson(response, 200, policy.body, { [POLICY_VERSION_HEADER]: policy.version });
    this.options.onAnswer?.(200);
  }

  private fail(response: ServerResponse, error: ServiceError): void {
    sendError(response, error);
    this.options.onAnswer?.(error.status);
  }
}
