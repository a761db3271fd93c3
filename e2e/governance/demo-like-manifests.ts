// The demo's agents as the governance suites deploy them, in a namespace of the suite's own: an
// EU-only residency policy (Enforce), the gpt-4o route (OpenAI EU, Azure Sweden), the marketing
// agent (a Deployment reading a Qdrant index in the US; a CronJob declaring a nightly export to a US
// bucket), the critical support agent (its prompt in a ConfigMap) — and the research agent pointed
// at api.openai.com, which admission refuses.
import { stringify } from 'yaml';
import {
  configMaps,
  marketingCronJob,
  marketingDeployment,
  route,
  supportDeployment,
} from '../../governance/testdata/demo-like-cluster.js';

export const ZONE_LABEL = 'governance-e2e.governor.agents.dev/data-zone';

export function residencyPolicyManifest(name: string, zone: string): Record<string, unknown> {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name },
    spec: {
      mode: 'Enforce',
      namespaceSelector: { matchLabels: { [ZONE_LABEL]: zone } },
      allowedJurisdictions: ['EU', 'CH'],
      unknownEndpoints: 'Deny',
      auditInterval: '10m',
    },
  };
}

const inNamespace = <T extends { metadata: Record<string, unknown> }>(object: T, namespace: string): T => ({
  ...object,
  metadata: { ...object.metadata, namespace },
});

/** The agents, route and prompt ConfigMap, as one multi-document YAML for `kubectl apply -f -`. */
export function demoLikeAgentsYaml(namespace: string): string {
  const documents = [
    inNamespace(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'support-prompt' },
        data: configMaps['support-prompt']?.data,
      },
      namespace,
    ),
    inNamespace(
      { ...(route as unknown as { metadata: Record<string, unknown> }), metadata: { name: 'gpt-4o' } },
      namespace,
    ),
    inNamespace(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        ...marketingDeployment,
        spec: { ...marketingDeployment.spec, selector: { matchLabels: { app: 'marketing-agent' } } },
      },
      namespace,
    ),
    inNamespace(
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        ...marketingCronJob,
        spec: {
          schedule: '0 2 * * *',
          jobTemplate: {
            spec: {
              template: {
                ...marketingCronJob.spec.jobTemplate.spec.template,
                spec: { ...marketingCronJob.spec.jobTemplate.spec.template.spec, restartPolicy: 'Never' },
              },
            },
          },
        },
      },
      namespace,
    ),
    inNamespace(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        ...supportDeployment,
        spec: { ...supportDeployment.spec, selector: { matchLabels: { app: 'support-agent' } } },
      },
      namespace,
    ),
  ];
  return documents.map((d) => stringify(d)).join('---\n');
}

/** The workload admission refuses: its container sends data to api.openai.com (US). */
export function researchAgentYaml(namespace: string): string {
  return stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'research-agent', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'research-agent' } },
      template: {
        metadata: { labels: { app: 'research-agent', 'governor.agents.dev/agent': 'research' } },
        spec: {
          containers: [
            {
              name: 'agent',
              image: 'ghcr.io/example/research-agent:0.3.0',
              env: [{ name: 'OPENAI_BASE_URL', value: 'https://api.openai.com/v1' }],
            },
          ],
        },
      },
    },
  });
}
