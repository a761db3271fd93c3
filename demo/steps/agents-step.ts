// Step 5: the two sample agents and their policies, applied from examples/demo/ (the route pointed at
// the mock providers), and their pods as kube-controller-manager creates them — through admission,
// so with the governor sidecar when the webhooks run. No kubelet runs, so they stay Pending.
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import { resourceType } from '../../runtime/kube/resource-type.js';
import type { Wire } from '../../runtime/kube/resources.js';
import {
  type AgentName,
  connected,
  DEMO,
  type DemoContext,
  servesWebhooks,
  waitFor,
} from '../demo-context.js';
import { readDemoManifests, withTargetEndpoints } from '../demo-manifests.js';
import type { DemoStep } from '../demo-step.js';

export type Pod = Wire<V1Pod>;
type Container = Wire<V1Container>;

export const pods = resourceType<Pod>({
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
});

/** The container the injection added beside the agent's: a native sidecar (init) or a regular one. */
export function injectedSidecar(pod: Pod): Container | undefined {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return all.find((c) => (c.args ?? [])[0] === 'sidecar' || /governor.*sidecar/.test(c.name));
}

/** `agent (ghcr.io/…), init governor-sidecar (…, restartPolicy Always)`. */
export function describeContainers(pod: Pod): string {
  const init = (pod.spec?.initContainers ?? []).map(
    (c) => `init ${c.name} (${c.image}${c.restartPolicy ? `, restartPolicy ${c.restartPolicy}` : ''})`,
  );
  const regular = (pod.spec?.containers ?? []).map((c) => `${c.name} (${c.image})`);
  return [...init, ...regular].join(', ');
}

export async function agentPods(context: DemoContext, agent: AgentName): Promise<Pod[]> {
  const { kube } = connected(context);
  return kube.list(pods, {
    namespace: DEMO.namespace,
    labelSelector: `app=${DEMO.agents[agent].deployment}`,
  });
}

export const agentsStep: DemoStep = {
  title:
    'Deploy two agents — marketing (non-critical) and support (critical) — with a budget, a route, an SLO and EU residency',
  checks: [
    {
      step: 'agents',
      expected:
        'marketing: Deployment ×3 + CronJob; support: Deployment ×2; their pods created by kube-controller-manager',
    },
  ],
  required: true,
  async run(context, observe) {
    const { kubectl } = connected(context);
    const { narrator, layout, mocks } = context;
    if (!mocks.primary || !mocks.secondary) throw new Error('the mock providers are not running');
    const objects = withTargetEndpoints(readDemoManifests(layout.manifests), {
      [DEMO.targets.primary]: `${mocks.primary.url}/v1`,
      [DEMO.targets.secondary]: mocks.secondary.url,
    });
    narrator.info(
      `kubectl apply -f examples/demo/ (targets ${DEMO.targets.primary} → ${mocks.primary.url}, ` +
        `${DEMO.targets.secondary} → ${mocks.secondary.url})`,
    );
    const applied = await kubectl(['apply', '-f', '-'], {
      input: objects.map((object) => stringify(object)).join('---\n'),
      check: true,
    });
    narrator.block(applied.stdout.trim().split('\n'));
    const found: Record<AgentName, Pod[]> = { marketing: [], support: [] };
    await waitFor(
      context,
      'the agents’ pods',
      async () => {
        for (const agent of Object.keys(DEMO.agents) as AgentName[]) {
          found[agent] = await agentPods(context, agent);
        }
        const counts = `${found.marketing.length}/${DEMO.agents.marketing.replicas} marketing, ${found.support.length}/${DEMO.agents.support.replicas} support`;
        narrator.progress('pods', counts);
        return found.marketing.length === DEMO.agents.marketing.replicas &&
          found.support.length === DEMO.agents.support.replicas
          ? true
          : counts;
      },
      30_000,
    );
    for (const pod of [...found.marketing, ...found.support]) {
      narrator.block([
        `pod ${pod.metadata?.name} (${pod.status?.phase ?? 'no phase'}): ${describeContainers(pod)}`,
      ]);
    }
    observe(
      `${found.marketing.length} marketing and ${found.support.length} support pods, Pending (no kubelet)`,
      true,
    );
  },
};

interface WebhookConfiguration {
  metadata: { name: string };
  webhooks?: { name: string; clientConfig?: { url?: string } }[];
}

const webhookConfigurations = (kind: 'Mutating' | 'Validating') =>
  resourceType<WebhookConfiguration>({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: `${kind.toLowerCase()}webhookconfigurations`,
    kind: `${kind}WebhookConfiguration`,
    namespaced: false,
  });

export const injectionStep: DemoStep = {
  title: 'Check the admission webhooks and the agents’ pods: each came out of admission with the sidecar',
  checks: [
    {
      step: 'admission webhooks',
      expected: 'mutating and validating webhook configurations pointing at the local operator',
    },
    { step: 'sidecar injected', expected: 'every agent pod carries the governor sidecar container' },
  ],
  required: false,
  unavailable: (context) =>
    servesWebhooks(context.capabilities)
      ? undefined
      : "this build's operator has no admission webhooks (--webhook-host) to inject the sidecar",
  async run(context, observe) {
    const { kube } = connected(context);
    const local: string[] = [];
    for (const kind of ['Mutating', 'Validating'] as const) {
      for (const configuration of await kube.list(webhookConfigurations(kind))) {
        const urls = (configuration.webhooks ?? []).map((w) => w.clientConfig?.url ?? '');
        if (urls.some((url) => url.startsWith('https://127.0.0.1'))) {
          local.push(`${kind}WebhookConfiguration ${configuration.metadata.name}`);
          context.narrator.block(
            (configuration.webhooks ?? []).map((w) => `${w.name} → ${w.clientConfig?.url ?? '?'}`),
          );
        }
      }
    }
    observe(
      local.length > 0 ? local.join(', ') : 'no webhook configuration points at 127.0.0.1',
      local.some((l) => l.startsWith('Mutating')) && local.some((l) => l.startsWith('Validating')),
    );
    const all = [...(await agentPods(context, 'marketing')), ...(await agentPods(context, 'support'))];
    const without = all.filter((pod) => !injectedSidecar(pod)).map((pod) => pod.metadata?.name);
    const sidecar = all.map(injectedSidecar).find(Boolean);
    if (without.length > 0 || !sidecar) {
      observe(`${without.length} of ${all.length} pods without a sidecar: ${without.join(', ')}`, false);
      return;
    }
    context.narrator.block([`injected ${sidecar.name}: ${(sidecar.args ?? []).join(' ')}`]);
    observe(`${all.length} of ${all.length} pods carry ${sidecar.name} (${sidecar.image})`, true);
  },
};
