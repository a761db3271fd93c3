// An A/B experiment (docs/experiments.md): the support agent asks for "support-answer", a route whose
// experiment splits conversations between gpt-4o (the control) and gpt-4o-mini. Each conversation
// sends the same x-governor-conversation-id on every turn and stays in its variant; the answers say
// which (x-governor-variant) and the provider is asked for the variant's model. The sidecar's usage
// reaches the ledger and the route's status.experiment, and `agent-governor experiments` prints each
// variant's calls, tokens, cost and latency with their intervals.
import { fallbackRoutes, tokenBudgets } from '../../agents/governor-resources.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { experimentsOutput } from '../../cli/experiments-command.js';
import { connected, DEMO, type DemoContext, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { type CallAnswer, chatCall, shortAnswer } from '../llm-call.js';

export const EXPERIMENT = {
  route: 'support-answer',
  model: 'support-answer',
  name: 'answer-model',
  /** The model each variant calls. */
  models: { control: DEMO.model, mini: DEMO.cheaperModel } as Record<string, string>,
};
/** Conversations started, and how many of them send a second turn (stickiness shows there). */
const CONVERSATIONS = 16;
const SECOND_TURNS = 4;
const WAIT_MS = 30_000;

/** What went wrong with one answer of a conversation, or undefined when it is right. Pure. */
export function answerProblem(answer: CallAnswer, firstVariant: string | undefined): string | undefined {
  if (answer.status !== 200) return shortAnswer(answer);
  const variant = answer.variant?.split('/')[1];
  if (!answer.variant?.startsWith(`${EXPERIMENT.name}/`) || variant === undefined)
    return `no x-governor-variant of ${EXPERIMENT.name} (got ${answer.variant ?? 'none'})`;
  if (firstVariant !== undefined && answer.variant !== firstVariant)
    return `the conversation moved from ${firstVariant} to ${answer.variant}`;
  const expected = EXPERIMENT.models[variant];
  if (answer.model !== expected)
    return `${answer.variant} answered by ${answer.model ?? '?'}, not ${expected}`;
  return undefined;
}

/** `control 19 calls, mini 17 calls` from the route's status. Pure. */
export function describeVariants(route: FallbackRoute | undefined): string {
  const variants = route?.status?.experiment?.variants ?? [];
  if (variants.length === 0) return 'no status.experiment yet';
  return variants.map((v) => `${v.name} ${v.calls} calls`).join(', ');
}

export const experimentStep: DemoStep = {
  title: `A/B experiment on route ${EXPERIMENT.route}: ${DEMO.model} against ${DEMO.cheaperModel}, sticky per conversation`,
  checks: [
    {
      step: 'experiment',
      expected: `each conversation stays in one variant, mini answered by ${DEMO.cheaperModel}; status.experiment and agent-governor experiments count every call per variant`,
    },
  ],
  required: false,
  async run(context: DemoContext, observe) {
    const sidecar = context.sidecars.support;
    if (!sidecar) throw new Error('the support sidecar is not running');
    const { kube, cluster } = connected(context);
    const { narrator } = context;
    const budgetUsed = async () =>
      (await kube.get(tokenBudgets, { namespace: DEMO.namespace, name: DEMO.budget }))?.status?.used
        ?.tokens ?? 0;
    const usedBefore = await budgetUsed();
    let spent = 0;
    const made = new Map<string, number>();
    const firstVariant = new Map<number, string>();
    const problems: string[] = [];
    const turn = async (conversation: number, n: number) => {
      const answer = await chatCall(sidecar.url, {
        model: EXPERIMENT.model,
        prompt: `Conversation ${conversation}, turn ${n}: where is my order?`,
        maxTokens: 16,
        headers: { 'x-governor-conversation-id': `demo-conversation-${conversation}` },
      });
      if (answer.status === 200) spent += answer.tokens;
      const problem = answerProblem(answer, firstVariant.get(conversation));
      if (problem) problems.push(`conversation ${conversation}: ${problem}`);
      if (answer.variant) {
        if (!firstVariant.has(conversation)) firstVariant.set(conversation, answer.variant);
        made.set(answer.variant, (made.get(answer.variant) ?? 0) + 1);
      }
      narrator.progress(
        'calls',
        [...made].map(([variant, calls]) => `${variant} ${calls}`).join(', ') || shortAnswer(answer),
      );
    };
    for (let c = 0; c < CONVERSATIONS; c++) await turn(c, 1);
    for (let c = 0; c < SECOND_TURNS; c++) await turn(c, 2);

    const counted = (route: FallbackRoute | undefined) =>
      (route?.status?.experiment?.variants ?? []).every(
        (v) => v.calls === (made.get(`${EXPERIMENT.name}/${v.name}`) ?? 0),
      ) && (route?.status?.experiment?.variants.length ?? 0) > 0;
    let route: FallbackRoute | undefined;
    await waitFor(
      context,
      `FallbackRoute ${EXPERIMENT.route} status.experiment counting every call`,
      async () => {
        route = await kube.get(fallbackRoutes, { namespace: DEMO.namespace, name: EXPERIMENT.route });
        return counted(route) ? true : describeVariants(route);
      },
      WAIT_MS,
    );
    // The next step drives the team's budget from what it has used: let it see these calls first.
    await waitFor(
      context,
      `TokenBudget ${DEMO.budget} counting the experiment's ${spent} tokens`,
      async () => {
        const used = await budgetUsed();
        return used >= usedBefore + spent ? true : `${used} tokens used`;
      },
      WAIT_MS,
    );
    const table = await experimentsOutput({
      kubeconfig: cluster.kubeconfig,
      namespace: DEMO.namespace,
      output: 'table',
      metric: 'cost',
    });
    const lines = table.split('\n');
    narrator.block(['$ agent-governor experiments -n governor-demo', ...lines.slice(0, 3)]);
    const rows = lines.filter((line) => line.includes(EXPERIMENT.name));
    const shownCalls = (variant: string) =>
      rows.some((row) =>
        new RegExp(`\\s${variant}\\s+\\d+\\s+${made.get(`${EXPERIMENT.name}/${variant}`) ?? 0}\\s`).test(row),
      );
    const inCli = ['control', 'mini'].every(shownCalls);
    const both =
      (made.get(`${EXPERIMENT.name}/control`) ?? 0) > 0 && (made.get(`${EXPERIMENT.name}/mini`) ?? 0) > 0;
    const verdict =
      rows
        .find((row) => row.includes(' mini '))
        ?.split(/\s{2,}/)
        .pop() ?? '?';
    observe(
      `${CONVERSATIONS} conversations, ${SECOND_TURNS} with a second turn in the same variant: ${describeVariants(route)}; ` +
        `agent-governor experiments: mini ${verdict}` +
        (problems.length > 0 ? `; ${problems.slice(0, 2).join('; ')}` : '') +
        (inCli ? '' : '; the CLI rows do not show those calls'),
      problems.length === 0 && both && inCli && route !== undefined && counted(route),
    );
  },
};
