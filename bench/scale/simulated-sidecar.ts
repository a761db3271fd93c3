// One simulated sidecar: the protocol steps a real sidecar takes against the services, and nothing
// else (no proxy, no LLM). Each step is one method, so a new step of the protocol (a budget lease,
// docs/adr/0063) is added here in a few lines:
//   - the policy long-poll (policy-poll.ts) — the first poll without `after` (answered at once), then
//     `?after=<version>` held until the version changes (200) or ~30 s pass (304), polled again at
//     once; in a poll worker's thread (poll-workers.ts) or, with --poll-workers 0, in this one;
//   - report(): every `intervalMs`, one usage batch of what the plan says was spent, one in flight,
//     resent with the same sequence until acknowledged (exactly once, docs/adr/0006);
//   - admit(): the budget gate's rule for the spend, from the held policy: nothing while it says
//     Exhausted, and no more than `limit − used` (the policy's aggregate) since the policy came.
//   - the lease step (bench/scale/lease-step.ts, on unless --no-leases): a slice of the budget asked
//     for at start and renewed when the answer's expiry says; it spends only what the slice covers,
//     takes the phase from the answer's count too, and gives the slice back at stop.
// The phase it holds, when it first held each phase and which way it came first (the lease answer or
// the long-poll), are what the crossing is measured by.
import type { EffectiveBudget } from '../../apis/effective-policy.js';
import type { UsageBatch } from '../../apis/usage-batch.js';
import { usageBatchOf } from '../../testing/services-fixture.js';
import type { CarriedBy } from './crossing-report.js';
import { type LeaseStep, leasePhase } from './lease-step.js';
import { pause, type SidecarPoll } from './policy-poll.js';
import type { PolicySummary } from './poll-answers.js';
import type { SidecarLink } from './sidecar-link.js';

export interface SpendPlan {
  /** Seconds between batches (2 in a sidecar). */
  intervalMs: number;
  /** Calls each batch reports (the tokens are spread over them). */
  calls: number;
  /** Tokens this sidecar would spend in the next interval (the benchmark changes it between phases). */
  tokens(): number;
  /** Called with each acknowledged batch's tokens and the moment of the ack (performance.now). */
  onAck(tokens: number, at: number): void;
}

export class SimulatedSidecar {
  phase = 'None';
  version = '';
  /** First moment (performance.now) each phase was held. */
  readonly seenAt = new Map<string, number>();
  /** Which way each phase came first: the lease answer's count or the policy (watch or long-poll). */
  readonly seenBy = new Map<string, CarriedBy>();
  /** The version of the policy that first said each phase (none for a phase a lease answer carried first). */
  readonly versionOf = new Map<string, string>();
  /** The phase the lease answers' count gives (None before the first answer). */
  leasePhase = 'None';
  /** The budget's aggregate in the last policy held before one said Exhausted. */
  usedBeforeExhausted = 0;
  /** Batches acknowledged, failed answers (non-200, errors) seen. */
  acked = 0;
  failures = 0;
  private policy: PolicySummary | undefined;
  private localSince = 0;
  private sequence = 1;
  private stopped = false;
  private loops: Promise<void>[] = [];

  constructor(
    readonly instance: string,
    readonly agent: { namespace: string; name: string },
    private readonly budget: string,
    private readonly link: SidecarLink,
    private readonly plan: SpendPlan,
    /** The policy long-poll, in this thread or a poll worker's. */
    private readonly poll: SidecarPoll,
    /** The lease step; none: the long-poll-only path (--no-leases). */
    private readonly lease?: LeaseStep,
  ) {}

  /** The lease answered with the budget's count: the phase it gives, if more severe, is held. */
  leaseCounted(at: number): void {
    const budget = this.policy?.budgets.find((b) => b.name === this.budget);
    const used = this.lease?.used();
    if (!budget || used === undefined) return;
    this.leasePhase = leasePhase(budget as unknown as EffectiveBudget, used);
    this.see(this.leasePhase, at, 'lease');
  }

  private see(phase: string, at: number, by: CarriedBy): void {
    if (this.seenAt.has(phase)) return;
    this.seenAt.set(phase, at);
    this.seenBy.set(phase, by);
  }

  /** Resolves once the first policy is held; the long-poll and the usage loop then run until stop(). */
  async start(): Promise<void> {
    const held = await this.poll.start({
      policy: (policy, at) => this.hold(policy, at),
      failure: () => {
        this.failures++;
      },
    });
    if (!held) return;
    this.lease?.ask(performance.now(), false);
    this.loops = [this.report()];
  }

  private hold(policy: PolicySummary, at: number): void {
    const budget = policy.budgets.find((b) => b.name === this.budget);
    const phase = budget?.phase ?? 'None';
    if (phase !== 'Exhausted' && budget) this.usedBeforeExhausted = budget.usedTokens;
    if (!this.versionOf.has(phase)) this.versionOf.set(phase, policy.version);
    this.see(phase, at, 'policy');
    this.policy = policy;
    this.version = policy.version;
    this.phase = phase;
    this.localSince = 0; // the policy's aggregate now includes what this sidecar reported
  }

  private async report(): Promise<void> {
    // Spread the sidecars over the interval, as pods started at different times are.
    await pause(Math.random() * this.plan.intervalMs);
    let next = performance.now();
    while (!this.stopped) {
      next += this.plan.intervalMs;
      // Only what the slice covers, while it limits (held, its services answering).
      const wanted = this.plan.tokens();
      const tokens = this.admit(this.lease?.limits() ? Math.min(wanted, this.lease.room()) : wanted);
      this.lease?.spend(tokens);
      if (tokens > 0) await this.send(tokens);
      // Behind (a slow ack): the next batch goes now, with what was spent meanwhile; no burst to catch up.
      next = Math.max(next, performance.now());
      await pause(next - performance.now());
    }
  }

  /** The budget gate's word on spending `tokens` under the policy held (sidecar/budget/). */
  private admit(tokens: number): number {
    const budget = this.policy?.budgets.find((b) => b.name === this.budget);
    if (!budget) return tokens;
    if (budget.phase === 'Exhausted' || this.leasePhase === 'Exhausted') return 0;
    if (budget.limitTokens !== undefined && budget.usedTokens + this.localSince + tokens > budget.limitTokens)
      return 0;
    this.localSince += tokens;
    return tokens;
  }

  private async send(tokens: number): Promise<void> {
    const batch: UsageBatch = usageBatchOf(
      this.agent.namespace,
      this.agent.name,
      this.instance,
      this.sequence,
      this.plan.calls,
    );
    const entry = batch.entries[0];
    if (entry) entry.inputTokens = Math.max(0, tokens - entry.outputTokens);
    while (!this.stopped) {
      const answer = await this.link.usage(batch).catch(() => undefined);
      if (answer?.ack) {
        this.acked++;
        this.sequence++;
        // A duplicate was recorded by an earlier send whose answer was lost: counted once either way.
        this.plan.onAck(tokens, performance.now());
        return;
      }
      this.failures++;
      await pause(1_000);
    }
  }

  /** Ends the usage loop and the long-poll (an in-process poll held ends when the link is closed). */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.allSettled([...this.loops, this.poll.stop(), this.lease?.stop()]);
  }
}
