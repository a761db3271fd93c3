// The FallbackRoute's prompt compression (docs/compression.md): the support agent sends a
// conversation four turns long, as an agent resends its history on every call — two tool calls
// of the first turns returned the same order history, padded in columns. The route keeps the latest
// two turns verbatim and compresses the older ones: whitespace collapsed, the repeated tool output
// replaced by a pointer, the stale one cut to its first and last lines. The answer's headers say how
// many input tokens the agent sent and how many went upstream; the tool calls stay paired, so the
// provider accepts the conversation.
import { DEMO, type DemoContext } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { type CallAnswer, chatCall, describeAnswer } from '../llm-call.js';

/** An order history as a tool returns it: 30 lines in padded columns. Pure. */
export function orderHistory(order: number): string {
  const lines = [`order ${order}        status        at`];
  for (let i = 0; i < 30; i++) {
    const day = String((i % 28) + 1).padStart(2, '0');
    lines.push(
      `  event ${String(i + 1).padStart(2, '0')}      scanned at depot ${i % 4}      2026-11-${day}T08:00Z   `,
    );
  }
  return lines.join('\n');
}

/** The conversation the support agent resends on its fourth turn (OpenAI chat messages). Pure. */
export function supportConversation(): Record<string, unknown>[] {
  const toolCall = (id: string, order: number) => ({
    role: 'assistant',
    content: null,
    tool_calls: [
      { id, type: 'function', function: { name: 'order_history', arguments: JSON.stringify({ order }) } },
    ],
  });
  return [
    { role: 'system', content: 'You are the support agent of ACME. Answer briefly.' },
    { role: 'user', content: 'Where is my order 1042?' },
    toolCall('call_1', 1042),
    { role: 'tool', tool_call_id: 'call_1', content: orderHistory(1042) },
    { role: 'assistant', content: 'Order 1042 is at depot 1.' },
    { role: 'user', content: 'Please check it once more.' },
    toolCall('call_2', 1042),
    { role: 'tool', tool_call_id: 'call_2', content: orderHistory(1042) },
    { role: 'assistant', content: 'Still at depot 1.' },
    { role: 'user', content: 'When will it arrive?' },
    { role: 'assistant', content: 'Within two days.' },
    { role: 'user', content: 'Thanks. Summarise what happened to it.' },
  ];
}

/** `1,284 → 402 input tokens (−69 %)`. Pure. */
export function describeSaving(answer: CallAnswer): string {
  const before = answer.inputTokensBefore;
  const after = answer.inputTokensAfter;
  if (before === undefined || after === undefined) return 'no x-governor-input-tokens headers';
  const percent = before > 0 ? Math.round(((before - after) * 100) / before) : 0;
  return `${before.toLocaleString('en')} → ${after.toLocaleString('en')} input tokens (−${percent} %)`;
}

export const compressionStep: DemoStep = {
  title: 'Compress the old part of a conversation before it is sent and counted',
  checks: [
    {
      step: 'compression',
      expected:
        'the support agent resends 4 turns: fewer input tokens go upstream than it sent, the tool calls still paired (answered 200)',
    },
  ],
  required: false,
  async run(context: DemoContext, observe) {
    const sidecar = context.sidecars.support;
    if (!sidecar) throw new Error('the support sidecar is not running');
    const answer = await chatCall(sidecar.url, {
      model: DEMO.model,
      messages: supportConversation(),
      maxTokens: 32,
    });
    const saved =
      answer.inputTokensBefore !== undefined &&
      answer.inputTokensAfter !== undefined &&
      answer.inputTokensAfter < answer.inputTokensBefore;
    observe(`${describeSaving(answer)}; ${describeAnswer(answer)}`, answer.status === 200 && saved);
  },
};
