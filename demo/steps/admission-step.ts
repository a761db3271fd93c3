// Step 9: residency at admission. A workload in the EU-only namespace whose container points at
// https://api.openai.com/v1 (placed in the US by the endpoint catalog) is refused by the API server
// on the webhook's word; the demo prints the message a person running kubectl sees.
import { join } from 'node:path';
import { deployments } from '../../runtime/kube/resources.js';
import { connected, DEMO, servesWebhooks } from '../demo-context.js';
import { REFUSED_MANIFEST } from '../demo-manifests.js';
import type { DemoStep } from '../demo-step.js';

export const admissionStep: DemoStep = {
  title: 'Deploy a workload that points at a US endpoint (OPENAI_BASE_URL=https://api.openai.com/v1)',
  checks: [
    {
      step: 'residency',
      expected: `refused at admission, the message naming the endpoint, its region and policy ${DEMO.residencyPolicy}`,
    },
  ],
  required: false,
  unavailable: (context) =>
    servesWebhooks(context.capabilities)
      ? undefined
      : "this build's operator has no admission webhooks (--webhook-host) to check residency",
  async run(context, observe) {
    const { kubectl, kube } = connected(context);
    const file = join(context.layout.manifests, REFUSED_MANIFEST);
    context.narrator.info(`kubectl apply -f examples/demo/${REFUSED_MANIFEST}`);
    const result = await kubectl(['apply', '-f', file]);
    const message = (result.stderr || result.stdout).trim();
    context.narrator.block(message.split('\n'));
    const created = await kube.get(deployments, { namespace: DEMO.namespace, name: 'research-agent' });
    const named = message.includes('api.openai.com') && message.includes(DEMO.residencyPolicy);
    const refused = result.code !== 0 && !created;
    observe(
      refused
        ? `refused: ${denial(message)}`
        : `not refused: ${created ? 'Deployment research-agent exists' : firstLine(message)}`,
      refused && named,
    );
  },
};

/** `webhook residency.governor.agents.dev: container agent, env OPENAI_BASE_URL: … policy demo-eu-only`. */
export function denial(message: string): string {
  const webhook = /admission webhook "([^"]+)" denied/.exec(message)?.[1];
  const finding = message.split('\n').find((line) => line.trim().startsWith('- '));
  if (!webhook || !finding) return firstLine(message);
  return `webhook ${webhook}: ${finding.trim().slice(2)}`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
