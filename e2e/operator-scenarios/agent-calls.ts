// An agent calling through its sidecar with the official OpenAI SDK, as agent code does
// (OPENAI_BASE_URL pointed at the sidecar), and what each call shows: the status, the governor
// headers, the error the SDK raised, and the model the mock LLM was really asked for.
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import type { MockLlm } from '../../testing/mock-llm.js';

export interface AgentAnswer {
  status: number;
  /** `x-governor-decision` (e.g. `warning:ns/budget,degraded:gpt-4o-mini`), empty when absent. */
  decision: string;
  /** Model the mock LLM received; undefined when the call never reached it. */
  servedModel: string | undefined;
  /** Tokens the mock LLM reported for the call (0 when it never reached it). */
  servedTokens: { input: number; output: number };
  /** For a refusal: the OpenAI-style error body's code and message. */
  errorCode?: string;
  errorMessage?: string;
  /** performance.now() when the answer was read whole. */
  answeredAt: number;
}

export class Agent {
  private readonly openai: OpenAI;
  readonly answers: AgentAnswer[] = [];

  constructor(
    /** The agent's name; every prompt starts with `<name>-call-`, so served calls can be told apart. */
    readonly name: string,
    sidecarUrl: string,
    private readonly mock: MockLlm,
  ) {
    // The agent has no provider key: the sidecar holds the route's credentials.
    this.openai = new OpenAI({
      baseURL: `${sidecarUrl}/v1`,
      apiKey: 'agent-has-no-provider-key',
      maxRetries: 0,
      timeout: 15_000,
    });
  }

  /** One chat completion (of `gpt-4o` unless `model` says) with a prompt of about `words` tokens; streamed when asked. */
  async chat(words: number, options: { stream?: boolean; model?: string } = {}): Promise<AgentAnswer> {
    const marker = `${this.name}-call-${randomBytes(6).toString('hex')}`;
    const content = `${marker} ${'why '.repeat(words)}`;
    const params = {
      model: options.model ?? 'gpt-4o',
      max_tokens: 50,
      messages: [{ role: 'user' as const, content }],
    };
    let answer: AgentAnswer;
    try {
      if (options.stream) {
        const { data, response } = await this.openai.chat.completions
          .create({ ...params, stream: true })
          .withResponse();
        for await (const _chunk of data) {
          // Read the stream whole: usage is counted at its end.
        }
        answer = this.answered(response.status, response.headers, marker);
      } else {
        const { response } = await this.openai.chat.completions.create(params).withResponse();
        answer = this.answered(response.status, response.headers, marker);
      }
    } catch (err) {
      if (!(err instanceof OpenAI.APIError) || err.status === undefined) throw err;
      const body = err.error as { code?: string; message?: string } | undefined;
      answer = {
        ...this.answered(err.status, err.headers, marker),
        ...(body?.code ? { errorCode: body.code } : {}),
        ...(body?.message ? { errorMessage: body.message } : {}),
      };
    }
    this.answers.push(answer);
    return answer;
  }

  private answered(status: number, headers: Headers | undefined, marker: string): AgentAnswer {
    const served = this.mock.served.find((call) =>
      JSON.stringify(call.body['messages'] ?? '').includes(marker),
    );
    return {
      status,
      decision: headers?.get('x-governor-decision') ?? '',
      servedModel: served?.model,
      servedTokens: { input: served?.inputTokens ?? 0, output: served?.outputTokens ?? 0 },
      answeredAt: performance.now(),
    };
  }
}

/** The calls the mock LLM served, to every agent or to the one named. */
export function servedCalls(mock: MockLlm, agent?: string): MockLlm['served'] {
  if (agent === undefined) return mock.served;
  return mock.served.filter((call) => JSON.stringify(call.body['messages'] ?? '').includes(`${agent}-call-`));
}

/** Tokens the mock LLM served (input plus output), to every agent or to the one named. */
export function servedTokens(mock: MockLlm, agent?: string): number {
  let tokens = 0;
  for (const call of servedCalls(mock, agent)) tokens += call.inputTokens + call.outputTokens;
  return tokens;
}

/**
 * A steady stream of calls through `agent`, in `lanes` parallel lanes, streamed and not in turn,
 * with growing prompts; `stop()` resolves once every lane's last call is answered.
 */
export function steadyTraffic(agent: Agent, lanes = 3): { stop(): Promise<void> } {
  let stopping = false;
  let calls = 0;
  const lane = async (index: number) => {
    while (!stopping) {
      const n = calls++;
      await agent.chat(5 + (n % 40), { stream: (n + index) % 2 === 0 });
    }
  };
  const running = Promise.all(Array.from({ length: lanes }, (_, i) => lane(i)));
  return {
    async stop() {
      stopping = true;
      await running;
    },
  };
}
