// Step 7: the budget story. Traffic from both agents moves the shared TokenBudget through its
// thresholds; the demo shows what each one does, as the operator (status, Events, workloads) and the
// sidecars (the model the provider is asked for, refusals) make it happen:
//    50 %  Alert      phase Warning, an Event
//    75 %  Degrade    the provider receives gpt-4o-mini instead of gpt-4o
//   100 %  Suspend    marketing: Deployment scaled to 0, CronJob suspended, calls refused with 429;
//                     support (critical): still 2 replicas, answered on the cheaper model

import { tokenBudgets } from '../../agents/governor-resources.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import { cronJobs, deployments, events } from '../../runtime/kube/resources.js';
import { AgentTraffic } from '../agent-traffic.js';
import { type AgentName, connected, DEMO, type DemoContext, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { type CallAnswer, describeAnswer, shortAnswer } from '../llm-call.js';

type BudgetStatus = NonNullable<TokenBudget['status']>;

const BOTH: readonly AgentName[] = ['marketing', 'support'];
const WAIT_MS = 20_000;

/** `52 % (3,120 of 6,000 tokens) Warning [Alert]`. Pure. */
export function describeBudget(status: BudgetStatus | undefined, limit: number): string {
  if (!status) return 'no status yet';
  const used = status.used?.tokens ?? 0;
  const actions = status.activeActions?.length ? ` [${status.activeActions.join(', ')}]` : '';
  return `${status.percent ?? 0} % (${used.toLocaleString('en')} of ${limit.toLocaleString('en')} tokens) ${status.phase ?? 'Active'}${actions}`;
}

export const budgetStep: DemoStep = {
  title: `Drive traffic through the sidecars: TokenBudget ${DEMO.budget} up to 100 %`,
  checks: [
    { step: 'budget 50 %', expected: 'phase Warning, Alert: an Event on the budget' },
    {
      step: 'budget 75 %',
      expected: `Degrade: both agents' calls reach the provider as ${DEMO.cheaperModel}, not ${DEMO.model}`,
    },
    {
      step: 'budget 100 %',
      expected:
        'Exhausted: marketing scaled 3 → 0, its CronJob suspended, its calls refused (429); support still 2 replicas, degraded',
    },
  ],
  required: false,
  async run(context, observe) {
    const { kube } = connected(context);
    const { narrator } = context;
    const budget = await kube.get(tokenBudgets, { namespace: DEMO.namespace, name: DEMO.budget });
    const limit = budget?.spec.limits.tokens;
    if (!limit) throw new Error(`TokenBudget ${DEMO.namespace}/${DEMO.budget} has no token limit`);
    const traffic = new AgentTraffic(context);
    // Earlier steps (the experiment) spent from the same budget: count from what it has used.
    traffic.spent = budget?.status?.used?.tokens ?? 0;
    const lastAnswer: Partial<Record<AgentName, string>> = {};
    const spend = (percent: number, agents: readonly AgentName[]) =>
      traffic.spendUntil(Math.ceil((limit * percent) / 100), agents, {
        maxCalls: 200,
        // Told in steps of 10 % of the limit, and when an agent's answers change; not call by call.
        onCall: (agent, answer) => {
          lastAnswer[agent] = shortAnswer(answer);
          const answers = BOTH.map((a) => `${a} ${lastAnswer[a] ?? '-'}`).join(', ');
          narrator.progress(
            'traffic',
            `${Math.floor((traffic.spent * 10) / limit) * 10} % of the limit sent; ${answers}`,
          );
        },
      });
    const reached = (what: string, done: (s: BudgetStatus) => boolean) =>
      budgetReaching(context, limit, what, done);

    // 50 %: both agents, the full model.
    await spend(50, BOTH);
    const half = await reached('50 % and Warning', (s) => (s.percent ?? 0) >= 50 && s.phase === 'Warning');
    const alert = await budgetEvent(context, 'ThresholdReached');
    observe(`${describeBudget(half, limit)}; Event ${alert}`, half.phase === 'Warning');

    // 75 %: Degrade reaches the sidecars through the policy long-poll.
    await spend(76, BOTH);
    const degrade = await reached('75 % and Degrade', (s) => (s.activeActions ?? []).includes('Degrade'));
    const degraded: Partial<Record<AgentName, CallAnswer>> = {};
    await waitFor(
      context,
      `both agents' calls to reach the provider as ${DEMO.cheaperModel}`,
      async () => {
        for (const agent of BOTH) {
          if (degraded[agent]?.model === DEMO.cheaperModel) continue;
          degraded[agent] = await traffic.call(agent);
          narrator.info(`${agent} → ${describeAnswer(degraded[agent])}`);
        }
        return BOTH.every((a) => degraded[a]?.model === DEMO.cheaperModel) ? true : 'not degraded yet';
      },
      WAIT_MS,
      300,
    );
    observe(
      `${describeBudget(degrade, limit)}; ${BOTH.map((a) => `${a} → ${shortAnswer(degraded[a]!)}`).join('; ')}`,
      true,
    );

    // 100 %: marketing is refused near the limit (its calls no longer fit); support, critical, goes on.
    await spend(101, BOTH);
    const exhausted = await reached('Exhausted', (s) => s.phase === 'Exhausted');
    const workloads = await suspendedWorkloads(context);
    const refused = await traffic.call('marketing');
    const served = await traffic.call('support');
    narrator.info(`marketing → ${describeAnswer(refused)}`);
    narrator.info(`support → ${describeAnswer(served)}`);
    const ok =
      workloads.marketingReplicas === 0 &&
      workloads.cronJobSuspended &&
      workloads.supportReplicas === DEMO.agents.support.replicas &&
      refused.status === 429 &&
      served.status === 200 &&
      served.model === DEMO.cheaperModel;
    observe(
      `${describeBudget(exhausted, limit)}; marketing-agent ${workloads.marketingReplicas} replicas, ` +
        `CronJob suspend=${workloads.cronJobSuspended}, call ${refused.status} ${refused.errorCode ?? ''}; ` +
        `support-agent ${workloads.supportReplicas} replicas, call ${served.status} ${served.model ?? ''}`,
      ok,
    );
  },
};

/** Waits until the budget's status satisfies `done`, telling each change; returns that status. */
async function budgetReaching(
  context: DemoContext,
  limit: number,
  what: string,
  done: (status: BudgetStatus) => boolean,
): Promise<BudgetStatus> {
  const { kube } = connected(context);
  let status: BudgetStatus | undefined;
  await waitFor(
    context,
    `TokenBudget ${DEMO.budget} to reach ${what}`,
    async () => {
      status = (await kube.get(tokenBudgets, { namespace: DEMO.namespace, name: DEMO.budget }))?.status;
      const shown = describeBudget(status, limit);
      context.narrator.progress(`TokenBudget ${DEMO.budget}`, shown);
      return status && done(status) ? true : shown;
    },
    WAIT_MS,
  );
  return status!;
}

/** `ThresholdReached: <note>` of the budget's newest Event with that reason, once there is one. */
async function budgetEvent(context: DemoContext, reason: string): Promise<string> {
  const { kube } = connected(context);
  let note: string | undefined;
  await waitFor(
    context,
    `an Event ${reason} on TokenBudget ${DEMO.budget}`,
    async () => {
      const found = (await kube.list(events, { namespace: DEMO.namespace })).filter(
        (event) => event.regarding?.name === DEMO.budget && event.reason === reason,
      );
      note = found.at(-1)?.note;
      return note === undefined ? 'none yet' : true;
    },
    WAIT_MS,
  );
  return `${reason}: ${note}`;
}

/** Waits until the operator suspended marketing's workloads; reads support's replicas too. */
async function suspendedWorkloads(context: DemoContext) {
  const { kube } = connected(context);
  const seen = { marketingReplicas: -1, cronJobSuspended: false, supportReplicas: -1 };
  const read = async () => {
    const key = (name: string) => ({ namespace: DEMO.namespace, name });
    seen.marketingReplicas =
      (await kube.get(deployments, key(DEMO.agents.marketing.deployment)))?.spec?.replicas ?? -1;
    seen.cronJobSuspended = (await kube.get(cronJobs, key(DEMO.cronJob)))?.spec?.suspend === true;
    seen.supportReplicas =
      (await kube.get(deployments, key(DEMO.agents.support.deployment)))?.spec?.replicas ?? -1;
    const shown = `marketing-agent ${seen.marketingReplicas} replicas, CronJob suspend=${seen.cronJobSuspended}, support-agent ${seen.supportReplicas} replicas`;
    context.narrator.progress('workloads', shown);
    return shown;
  };
  await waitFor(
    context,
    "marketing's workloads to be suspended",
    async () => {
      const shown = await read();
      return seen.marketingReplicas === 0 && seen.cronJobSuspended ? true : shown;
    },
    WAIT_MS,
  );
  return seen;
}
