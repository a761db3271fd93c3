// Step 8: a provider outage. The mock standing in for openai-eu stops: the support agent's calls
// fall back to azure-sweden (the route's second EU target) and, after three failures in a row, the
// sidecar opens openai-eu's circuit and stops trying it. The mock comes back on the same port: after
// the circuit's open duration a probe call succeeds, the circuit closes and calls return to openai-eu.
import { AgentTraffic } from '../agent-traffic.js';
import { type CircuitState, readCircuits } from '../circuit-reading.js';
import { DEMO, waitFor } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { type CallAnswer, shortAnswer } from '../llm-call.js';
import { startMockProvider, stopMockProvider } from '../mock-providers.js';

const WAIT_MS = 20_000;

export const outageStep: DemoStep = {
  title: `Provider outage: ${DEMO.targets.primary} goes down, then comes back`,
  checks: [
    {
      step: 'outage',
      expected: `calls answered by ${DEMO.targets.secondary} (EU); the circuit of ${DEMO.targets.primary} opens`,
    },
    {
      step: 'recovery',
      expected: `after the open duration a probe succeeds: circuit Closed, calls back on ${DEMO.targets.primary}`,
    },
  ],
  required: false,
  async run(context, observe) {
    const { narrator, sidecars, mocks } = context;
    const sidecar = sidecars.support;
    const primary = mocks.primary;
    if (!sidecar || !primary) throw new Error('the support sidecar or the openai-eu provider is not running');
    const traffic = new AgentTraffic(context);
    const circuit = async () => (await readCircuits(sidecar.url, DEMO.route))[DEMO.targets.primary];

    await stopMockProvider(context, 'primary');
    narrator.info(`${DEMO.targets.primary} is down: its provider on ${primary.url} was stopped`);
    let last: CallAnswer | undefined;
    let state: CircuitState | undefined;
    const fallbacks: string[] = [];
    await waitFor(
      context,
      `the circuit of ${DEMO.targets.primary} to open`,
      async () => {
        last = await traffic.call('support');
        if (last.fallbackReason) fallbacks.push(last.fallbackReason);
        narrator.progress('support', progressOf(last));
        state = await circuit();
        narrator.progress(`circuit ${DEMO.targets.primary}`, state ?? 'unknown');
        return state === 'Open' ? true : `circuit ${state ?? 'unknown'}`;
      },
      WAIT_MS,
      100,
    );
    const answered = last!;
    const reasons = [...new Set(fallbacks.flatMap((r) => r.split(',')))].join(', ');
    observe(
      `${fallbacks.length} calls answered by ${answered.target} as ${answered.model} (passed over: ${reasons}); ` +
        `circuit ${DEMO.targets.primary} ${state} (governor_sidecar_circuit_state 2)`,
      answered.status === 200 && answered.target === DEMO.targets.secondary,
    );

    await startMockProvider(context, 'primary', primary.port);
    narrator.info(`${DEMO.targets.primary} is back on ${primary.url}`);
    await waitFor(
      context,
      `calls to return to ${DEMO.targets.primary}`,
      async () => {
        last = await traffic.call('support');
        narrator.progress('support', progressOf(last));
        state = await circuit();
        narrator.progress(`circuit ${DEMO.targets.primary}`, state ?? 'unknown');
        return last.target === DEMO.targets.primary && state === 'Closed' ? true : `circuit ${state}`;
      },
      WAIT_MS,
      500,
    );
    observe(`circuit ${DEMO.targets.primary} ${state}; ${shortAnswer(last!)}`, true);
  },
};

/** `200 gpt-4o-mini via azure-sweden after openai-eu:CircuitOpen`. */
function progressOf(answer: CallAnswer): string {
  return `${shortAnswer(answer)}${answer.fallbackReason ? ` after ${answer.fallbackReason}` : ''}`;
}
