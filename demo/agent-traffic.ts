// Simulated agent traffic: chat completions through the agents' sidecars, as each agent's OpenAI SDK
// would send them, counting the tokens the provider reported for the calls that were answered.
import { type AgentName, DEMO, type DemoContext } from './demo-context.js';
import { type CallAnswer, chatCall } from './llm-call.js';

/** Output tokens each call asks for at most (the budget's reasoning limit clamps at 256). */
export const MAX_TOKENS_PER_CALL = 150;

const PROMPTS: Record<AgentName, (n: number) => string> = {
  marketing: (n) => `Draft tagline number ${n} for the autumn campaign of our shoe shop.`,
  support: (n) => `Customer ticket ${n}: where is my parcel? Answer kindly and briefly.`,
};

export class AgentTraffic {
  private sent = 0;
  /** Tokens the provider reported for answered calls, the demo's own count of what it spent. */
  spent = 0;

  constructor(private readonly context: DemoContext) {}

  async call(agent: AgentName): Promise<CallAnswer> {
    const sidecar = this.context.sidecars[agent];
    if (!sidecar) throw new Error(`the ${agent} sidecar is not running`);
    const n = ++this.sent;
    const answer = await chatCall(sidecar.url, {
      model: DEMO.model,
      prompt: PROMPTS[agent](n),
      maxTokens: MAX_TOKENS_PER_CALL,
    });
    if (answer.status === 200) this.spent += answer.tokens;
    return answer;
  }

  /**
   * Calls from `agents` in turn until `tokens` were spent in all (calls refused by the budget cost
   * nothing and are told), at most `maxCalls` calls. `onCall` sees every answer.
   */
  async spendUntil(
    tokens: number,
    agents: readonly AgentName[],
    options: { maxCalls: number; onCall?: (agent: AgentName, answer: CallAnswer) => void },
  ): Promise<void> {
    for (let i = 0; this.spent < tokens; i++) {
      if (this.context.signal.aborted) throw new Error('interrupted');
      if (i >= options.maxCalls) {
        throw new Error(
          `spent ${this.spent} of the ${tokens} tokens wanted after ${options.maxCalls} calls; ` +
            'the sidecars refuse or the provider reports less usage than expected',
        );
      }
      const agent = agents[i % agents.length]!;
      options.onCall?.(agent, await this.call(agent));
    }
  }
}
