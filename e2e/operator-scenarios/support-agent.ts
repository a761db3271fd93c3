// The agent the usage suites drive: `support` (or the name given; one replica, a team of its own
// name, the agent ServiceAccount) with route `gpt-4o` to the mock LLM (degrading to gpt-4o-mini) and
// TokenBudget `<name>-daily` of 50 M tokens a day — large enough that traffic never exhausts it.
import { agentDeployment, createWorkloads } from '../../testing/budget-fixture.js';
import {
  AGENT_SERVICE_ACCOUNT,
  createRouteAndBudget,
  type GovernedAgents,
  mockRoute,
  teamBudget,
} from '../../testing/governed-agents.js';

export async function createSupportAgent(
  env: GovernedAgents,
  mockBaseUrl: string,
  name = 'support',
): Promise<void> {
  const ns = env.namespace;
  const route = name === 'support' ? 'gpt-4o' : `${name}-gpt-4o`;
  await createWorkloads(env.client, {
    deployments: [
      agentDeployment(ns, name, {
        replicas: 1,
        labels: { team: name },
        serviceAccountName: AGENT_SERVICE_ACCOUNT,
      }),
    ],
    cronJobs: [],
  });
  await createRouteAndBudget(
    env.client,
    mockRoute(ns, {
      name: route,
      model: 'gpt-4o',
      degradeTo: 'gpt-4o-mini',
      baseUrl: mockBaseUrl,
      team: name,
    }),
    teamBudget(ns, {
      name: `${name}-daily`,
      team: name,
      tokens: 50_000_000,
      route,
    }),
  );
}
