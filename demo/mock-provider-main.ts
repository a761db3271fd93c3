// A local stand-in for an LLM provider, as a process of its own so that the demo can take it down
// (an outage) and bring it back on the same port, and so that it outlives the demo with --keep:
//   node mock-provider-main.js NAME PORT [LATENCY_MS]
// It speaks the OpenAI and Azure OpenAI APIs (testing/mock-llm.ts), answers every call after
// LATENCY_MS, and logs one JSON line per call it served: the model it was asked for and the tokens.
import { setTimeout as sleep } from 'node:timers/promises';
import { startMockLlm } from '../testing/mock-llm.js';

/** About a hundred tokens, so that every call moves a small demo budget visibly. */
const MOCK_REPLY =
  'Thanks for asking. Here is a short, friendly answer from the local mock provider: your order ' +
  'left our warehouse this morning and should arrive within two working days. You can follow it ' +
  'with the tracking link in your confirmation email, and if anything looks wrong, reply to this ' +
  'message and a colleague will pick it up. Is there anything else I can help you with today, for ' +
  'example changing the delivery address or adding a gift note to the parcel?';

const [name, portText, latencyText] = process.argv.slice(2);
const port = Number(portText);
if (!name || !Number.isInteger(port) || port <= 0) {
  console.error('usage: mock-provider-main NAME PORT [LATENCY_MS]');
  process.exit(2);
}
const latencyMs = latencyText ? Number(latencyText) : 0;
const mock = await startMockLlm({ port, reply: MOCK_REPLY });
if (latencyMs > 0) mock.always = { kind: 'delay', ms: latencyMs };
console.log(JSON.stringify({ msg: 'listening', provider: name, url: mock.url, latencyMs }));

let stopping = false;
/** Logs and forgets the calls served since the last time (a kept demo may serve many). */
const logServed = () => {
  for (const call of mock.served.splice(0)) {
    console.log(
      JSON.stringify({
        msg: 'served',
        provider: name,
        path: call.path,
        model: call.model,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
      }),
    );
  }
};
const stop = async () => {
  stopping = true;
  await mock.close();
  logServed();
  process.exit(0);
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
while (!stopping) {
  logServed();
  await sleep(200);
}
