// The cluster the operator benchmark starts against: namespaces of agent Deployments in teams, and
// per team one TokenBudget, one FallbackRoute and one AgentSLO selecting the team — 1,000 agents and
// 100 of each kind by default. Every namespace has a ServiceAccount token (audience agent-governor)
// for the sidecar protocol. Deployments are created paused: the cluster is in a steady state when
// the operator starts (no ReplicaSet / Pod churn from kube-controller-manager, which the operator
// neither watches nor waits for), as it is when an operator restarts in a running cluster.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentSLOs, fallbackRoutes, tokenBudgets } from '../../agents/governor-resources.js';
import { agentSLOSpec } from '../../apis/agent-slo.js';
import { fallbackRouteSpec } from '../../apis/fallback-route.js';
import { AGENT_LABEL, CRITICALITY_LABEL } from '../../apis/group-version.js';
import { tokenBudgetSpec } from '../../apis/token-budget.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { deployments } from '../../runtime/kube/resources.js';
import { agentToken } from '../../testing/services-fixture.js';
import type { TestCluster } from '../../testing/test-cluster.js';

export interface PopulationShape {
  namespaces: number;
  agents: number;
  /** Teams in all; each has one budget, one route and one SLO. */
  teams: number;
  /** Token limit of every team budget. */
  budgetTokens: number;
}

export interface Team {
  namespace: string;
  name: string;
  /** Its agents; the first one is critical. */
  agents: string[];
}

export interface Population {
  namespaces: string[];
  teams: Team[];
  /** Token file of each namespace's ServiceAccount, by namespace. */
  tokenFiles: Map<string, string>;
  /** Where the sidecar services' CA bundle is written once the operator published it (cold-start.ts). */
  caFile: string;
  objects: { deployments: number; budgets: number; routes: number; slos: number };
}

/** Runs `work` over `items`, at most `concurrency` at once. */
export async function inBatches<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
}

export async function createPopulation(
  client: KubeClient,
  cluster: TestCluster,
  shape: PopulationShape,
  dir: string,
  prefix: string,
): Promise<Population> {
  if (shape.teams % shape.namespaces !== 0 || shape.agents % shape.teams !== 0) {
    throw new Error(
      `--agents ${shape.agents} must split evenly into --teams ${shape.teams}, and those into --namespaces ${shape.namespaces}`,
    );
  }
  const namespaces = Array.from({ length: shape.namespaces }, (_, i) => `${prefix}-${i}`);
  const tokenFiles = new Map<string, string>();
  for (const namespace of namespaces) {
    const file = join(dir, `token-${namespace}`);
    writeFileSync(file, await agentToken(cluster, namespace, 'agent'));
    tokenFiles.set(namespace, file);
  }
  const perTeam = shape.agents / shape.teams;
  const teams: Team[] = Array.from({ length: shape.teams }, (_, t) => ({
    namespace: namespaces[t % shape.namespaces] as string,
    name: `team-${t}`,
    agents: Array.from({ length: perTeam }, (_, a) => `agent-${t}-${a}`),
  }));
  const objects: Array<() => Promise<unknown>> = [];
  for (const team of teams) {
    team.agents.forEach((agent, index) => {
      objects.push(() => client.create(deployments, agentDeployment(team, agent, index === 0)));
    });
    objects.push(() => client.create(tokenBudgets, teamBudget(team, shape.budgetTokens)));
    objects.push(() => client.create(fallbackRoutes, teamRoute(team)));
    objects.push(() => client.create(agentSLOs, teamSLO(team)));
  }
  await inBatches(objects, 16, async (create) => {
    await create();
  });
  return {
    namespaces,
    teams,
    tokenFiles,
    caFile: join(dir, 'services-ca.crt'),
    objects: { deployments: shape.agents, budgets: shape.teams, routes: shape.teams, slos: shape.teams },
  };
}

function agentDeployment(team: Team, agent: string, critical: boolean): KubeObject {
  const labels = {
    app: agent,
    team: team.name,
    [AGENT_LABEL]: agent,
    ...(critical ? { [CRITICALITY_LABEL]: 'critical' } : {}),
  };
  return {
    metadata: { namespace: team.namespace, name: agent },
    spec: {
      replicas: 2,
      paused: true,
      selector: { matchLabels: { app: agent } },
      template: {
        metadata: { labels },
        // The ServiceAccount whose token the bench presents: the services bind agents to it.
        spec: {
          serviceAccountName: 'agent',
          containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
        },
      },
    },
  } as KubeObject;
}

function teamBudget(team: Team, tokens: number) {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1' as const,
    kind: 'TokenBudget' as const,
    metadata: { namespace: team.namespace, name: `${team.name}-daily` },
    spec: tokenBudgetSpec.parse({
      agentSelector: { matchLabels: { team: team.name } },
      period: { reset: 'Daily', timeZone: 'Europe/Berlin' },
      limits: { tokens, currency: 'USD' },
      thresholds: [
        { percent: 75, actions: ['Alert', 'Degrade'] },
        { percent: 100, actions: ['Alert', 'Suspend'] },
      ],
      degrade: { fallbackRouteRef: { name: `${team.name}-gpt-4o` } },
    }),
  };
}

function teamRoute(team: Team) {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1' as const,
    kind: 'FallbackRoute' as const,
    metadata: { namespace: team.namespace, name: `${team.name}-gpt-4o` },
    spec: fallbackRouteSpec.parse({
      agentSelector: { matchLabels: { team: team.name } },
      model: 'gpt-4o',
      targets: [{ name: 'openai-eu', provider: 'OpenAI', endpoint: 'https://eu.api.openai.com/v1' }],
      degradeTo: { model: 'gpt-4o-mini' },
    }),
  };
}

function teamSLO(team: Team) {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1' as const,
    kind: 'AgentSLO' as const,
    metadata: { namespace: team.namespace, name: `${team.name}-latency` },
    spec: agentSLOSpec.parse({
      agentSelector: { matchLabels: { team: team.name } },
      window: '1d',
      objectives: { latency: { threshold: '1s', target: '95' }, success: { target: '99' } },
    }),
  };
}
