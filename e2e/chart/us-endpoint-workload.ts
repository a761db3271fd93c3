// An agent Deployment whose container points its OpenAI SDK at api.openai.com (region us): what an
// EU-only DataResidencyPolicy refuses at admission and lists as a violation in its audit.
import type { KubeObject } from '../../runtime/kube/kube-object.js';

export const US_ENDPOINT = 'https://api.openai.com/v1';

export function usEndpointDeployment(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name, 'governor.agents.dev/agent': name } },
        spec: {
          containers: [
            {
              name: 'agent',
              image: 'registry.invalid/agent:1',
              env: [{ name: 'OPENAI_BASE_URL', value: US_ENDPOINT }],
            },
          ],
        },
      },
    },
  } as KubeObject;
}
