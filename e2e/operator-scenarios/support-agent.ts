// The one agent the usage suites drive: `support` (one replica, team `support`, the agent
// ServiceAccount) with route `gpt-4o` to the mock LLM (degrading to gpt-4o-mini) and TokenBudget
// `support-daily` of 50 M tokens a day — large enough that traffic never exhausts it.
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import {
  AGENT_SERVICE_ACCOUNT,
  createRouteAndBudget,
  type GovernedAgents,
  mockRoute,
  teamBudget,
} from '../../testing/governed-agents.js';

export async function createSupportAgent(env: GovernedAgents, mockBaseUrl: string): Promise<void> {
  const ns = env.namespace;
  await createWorkloads(env.client, {
    deployments: [
      agentDeployment(ns, 'support', {
        replicas: 1,
        labels: { team: 'support' },
        serviceAccountName: AGENT_SERVICE_ACCOUNT,
      }),
    ],
    cronJobs: [],
  });
  await createRouteAndBudget(
    env.client,
    mockRoute(ns, {
      name: 'gpt-4o',
      model: 'gpt-4o',
      degradeTo: 'gpt-4o-mini',
      baseUrl: mockBaseUrl,
      team: 'support',
    }),
    teamBudget(ns, { name: 'support-daily', team: 'support', tokens: 50_000_000, route: 'gpt-4o' }),
  );
}
