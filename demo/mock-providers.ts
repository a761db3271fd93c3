// The two local providers standing in for the route's EU targets: `openai-eu` (OpenAI API) and
// `azure-sweden` (Azure OpenAI API, 300 ms slower), each a mock-provider-main.js process that the
// outage step stops and starts again on the same port.
import { fileURLToPath } from 'node:url';
import { freePorts } from '../local-cluster/free-port.js';
import { httpGet } from '../local-cluster/readiness.js';
import { DEMO, type DemoContext, type MockProvider, waitFor } from './demo-context.js';
import { startDemoProcess, stopDemoProcesses } from './demo-processes.js';

export type ProviderRole = 'primary' | 'secondary';

const entryPoint = fileURLToPath(new URL('./mock-provider-main.js', import.meta.url));

/** Extra latency of each provider: the Swedish region answers later than the first choice. */
export const PROVIDER_LATENCY_MS: Record<ProviderRole, number> = { primary: 0, secondary: 300 };

/** Starts a provider (on `port`, or a free one) and waits until it answers. */
export async function startMockProvider(
  context: DemoContext,
  role: ProviderRole,
  port?: number,
): Promise<MockProvider> {
  const name = DEMO.targets[role];
  const chosen = port ?? (await freePorts(1))[0]!;
  const latencyMs = PROVIDER_LATENCY_MS[role];
  const process_ = startDemoProcess(context.layout, `mock-${name}`, [
    entryPoint,
    name,
    String(chosen),
    String(latencyMs),
  ]);
  const url = `http://127.0.0.1:${chosen}`;
  await waitFor(
    context,
    `mock provider ${name} on ${url}`,
    async () => {
      const ended = process_.exitStatus();
      if (ended) throw new Error(`mock provider ${name} ${ended}; see ${process_.logPath}`);
      await httpGet(url); // any answer (a 404 for GET /) means it listens
      return true;
    },
    10_000,
    50,
  );
  const provider = { name, port: chosen, url, latencyMs, process: process_ };
  context.mocks[role] = provider;
  return provider;
}

/** Stops a provider: its port refuses connections until it is started again. */
export async function stopMockProvider(context: DemoContext, role: ProviderRole): Promise<void> {
  const provider = context.mocks[role];
  if (!provider) return;
  await stopDemoProcesses(context.layout, [provider.process], 2_000);
}
