// Step 4: the local providers the route's two EU targets point at (no network leaves the machine).
import { DEMO } from '../demo-context.js';
import type { DemoStep } from '../demo-step.js';
import { startMockProvider } from '../mock-providers.js';

export const providersStep: DemoStep = {
  title: 'Start two local mock LLM providers standing in for the route’s EU targets',
  checks: [
    {
      step: 'providers',
      expected: `${DEMO.targets.primary} (OpenAI API) and ${DEMO.targets.secondary} (Azure OpenAI API) answer`,
    },
  ],
  required: true,
  async run(context, observe) {
    const primary = await startMockProvider(context, 'primary');
    const secondary = await startMockProvider(context, 'secondary');
    for (const provider of [primary, secondary]) {
      context.narrator.info(
        `${provider.name}: ${provider.url} (+${provider.latencyMs} ms), log ${provider.process.logPath}`,
      );
    }
    observe(`${primary.name} on ${primary.url}, ${secondary.name} on ${secondary.url}`, true);
  },
};
