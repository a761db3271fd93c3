// Gateway mode (docs/gateway.md): the shared proxy, `agent-governor gateway`, as a real process beside
// the sidecars, serving one call of the support agent while both agents keep their sidecars for the
// rest of the story. The call's API key is a token bound to one of support's pods (audience
// agent-governor-gateway, as the injection projects it): the gateway has it reviewed by a real
// TokenReview against the demo's API server, names the agent from the pod's label, long-polls
// support's policy from the operator with that token and reports the call's usage to it. The same
// token claiming the marketing agent is refused 403.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_TOKEN_AUDIENCE } from '../../apis/sidecar-protocol.js';
import { freePorts } from '../../local-cluster/free-port.js';
import { httpGet } from '../../local-cluster/readiness.js';
import { connected, DEMO, waitFor } from '../demo-context.js';
import { startDemoProcess } from '../demo-processes.js';
import type { DemoStep } from '../demo-step.js';
import { chatCall, describeAnswer } from '../llm-call.js';
import { agentPods } from './agents-step.js';
import { servicesCaFile } from './sidecars-step.js';

/** `agent-governor gateway` for the demo: loopback, the demo's namespace, the local operator. Pure. */
export function localGatewayArgs(local: {
  port: number;
  kubeconfig: string;
  operatorUrl: string;
  operatorCaFile?: string;
  spoolDir: string;
}): string[] {
  return [
    'gateway',
    '--host=127.0.0.1',
    `--port=${local.port}`,
    `--kubeconfig=${local.kubeconfig}`,
    `--operator-url=${local.operatorUrl}`,
    ...(local.operatorCaFile ? [`--operator-ca-file=${local.operatorCaFile}`] : []),
    `--namespaces=${DEMO.namespace}`,
    `--spool-dir=${local.spoolDir}`,
  ];
}

export const gatewayStep: DemoStep = {
  title: 'Gateway mode: one support call through a shared gateway, its pod’s token as the API key',
  checks: [
    {
      step: 'gateway',
      expected:
        "support's call answered by the gateway (a TokenReview names the pod, its label the agent); the same token claiming marketing refused 403",
    },
  ],
  required: false,
  async run(context, observe) {
    const { cluster, kubectl } = connected(context);
    const { narrator, operator, layout } = context;
    if (!operator) throw new Error('the operator is not running');
    const [pod] = await agentPods(context, 'support');
    if (!pod?.metadata?.name || !pod.metadata.uid) throw new Error('the support agent has no pod');
    const dir = join(layout.work, 'gateway');
    mkdirSync(dir, { recursive: true });
    const caFile = operator.sidecarServicesUrl.startsWith('https:')
      ? await servicesCaFile(context, dir)
      : undefined;
    const [port] = await freePorts(1);
    const args = localGatewayArgs({
      port: port!,
      kubeconfig: cluster.kubeconfig,
      operatorUrl: operator.sidecarServicesUrl,
      ...(caFile ? { operatorCaFile: caFile } : {}),
      spoolDir: join(dir, 'spool'),
    });
    narrator.info(
      `agent-governor ${args.join(' ')} (in a cluster: its Deployment, with the chart's gateway.enabled)`,
    );
    const process_ = startDemoProcess(layout, 'gateway', [layout.bin, ...args]);
    const url = `http://127.0.0.1:${port}`;
    context.gateway = { url, process: process_ };
    await waitFor(
      context,
      `the gateway's ${url}/readyz`,
      async () => {
        const ended = process_.exitStatus();
        if (ended) throw new Error(`the gateway ${ended}; see ${process_.logPath}`);
        const answer = await httpGet(`${url}/readyz`);
        return answer.status === 200 ? true : `${answer.status} ${answer.body.trim()}`;
      },
      20_000,
      100,
    );
    // What the kubelet projects into a gateway-mode pod: a token of its ServiceAccount bound to it.
    const serviceAccount = DEMO.agents.support.serviceAccount;
    const created = await kubectl(
      [
        'create',
        'token',
        serviceAccount,
        '-n',
        DEMO.namespace,
        `--audience=${GATEWAY_TOKEN_AUDIENCE}`,
        '--duration=1h',
        '--bound-object-kind=Pod',
        `--bound-object-name=${pod.metadata.name}`,
        `--bound-object-uid=${pod.metadata.uid}`,
      ],
      { check: true },
    );
    const authorization = `Bearer ${created.stdout.trim()}`;
    narrator.info(
      `support calls OPENAI_BASE_URL=${url}/v1 with the token of ${serviceAccount} bound to pod ${pod.metadata.name} (audience ${GATEWAY_TOKEN_AUDIENCE}) as its key`,
    );
    const call = { model: DEMO.model, prompt: 'Where is my order?', maxTokens: 16 };
    const answered = await chatCall(url, { ...call, headers: { authorization } });
    const claimed = await chatCall(url, {
      ...call,
      headers: { authorization, 'x-governor-agent': 'marketing' },
    });
    observe(
      `support via the gateway → ${describeAnswer(answered)}; the same token with x-governor-agent: marketing → ${describeAnswer(claimed)}`,
      answered.status === 200 && claimed.status === 403,
    );
  },
};
