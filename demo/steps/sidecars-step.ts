// Step 6: one real sidecar process per agent, `agent-governor sidecar` in operator mode, standing in
// for the container in the agent's pods (no kubelet runs them): it long-polls the operator for the
// agent's effective policy and reports usage, authenticated with a token of the agent's
// ServiceAccount for audience agent-governor, and starts from the policy mirror ConfigMap the pod
// would mount (fail-static).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { POLICY_FILE_KEY, policyConfigMapName, policyInConfigMap } from '../../agents/policy-config-map.js';
import { SERVICES_CA_CONFIG_MAP, SERVICES_CA_KEY } from '../../agents/services-ca-config-map.js';
import { freePorts } from '../../local-cluster/free-port.js';
import { httpGet } from '../../local-cluster/readiness.js';
import { configMaps } from '../../runtime/kube/resources.js';
import { type AgentName, connected, DEMO, type DemoContext, waitFor } from '../demo-context.js';
import { startDemoProcess } from '../demo-processes.js';
import type { DemoStep } from '../demo-step.js';
import { agentPods, injectedSidecar } from './agents-step.js';

/**
 * The sidecar's command line for a local process: the injected container's arguments (or, without
 * injection, the same command the injection writes) with the pod's port, operator URL and mounted
 * paths replaced by local ones — every `--flag` of `local` is set to its value, added when the
 * container lacks it. Accepts `--flag value` and `--flag=value`. Pure.
 */
export function localSidecarArgs(
  podArgs: readonly string[],
  local: Readonly<Record<string, string>>,
): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < podArgs.length; i++) {
    const arg = podArgs[i]!;
    if (!arg.startsWith('--')) {
      out.push(arg);
      continue;
    }
    const [flag, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg];
    let value = inline;
    if (value === undefined && i + 1 < podArgs.length && !podArgs[i + 1]!.startsWith('--'))
      value = podArgs[++i];
    seen.add(flag!);
    const replaced = local[flag!] ?? value;
    out.push(replaced === undefined ? flag! : `${flag}=${replaced}`);
  }
  for (const [flag, value] of Object.entries(local)) if (!seen.has(flag)) out.push(`${flag}=${value}`);
  return out;
}

/** What `localSidecarArgs` starts from when no sidecar was injected: the injection's own command. */
export function defaultPodArgs(agent: string): string[] {
  return ['sidecar', '--host', '127.0.0.1', '--agent', `${DEMO.namespace}/${agent}`];
}

export const sidecarsStep: DemoStep = {
  title: 'Start a real sidecar per agent, fed by the operator (as the container in each pod would run)',
  checks: [
    {
      step: 'sidecars',
      expected: "each agent's policy compiled and mirrored; one sidecar per agent serving it",
    },
  ],
  required: true,
  async run(context, observe) {
    const { kubectl } = connected(context);
    const agents = Object.keys(DEMO.agents) as AgentName[];
    const ports = await freePorts(agents.length);
    // Both at once: each waits for its policy and starts in about a second.
    const versions = await Promise.all(
      agents.map((agent, i) => startAgentSidecar(context, agent, ports[i]!)),
    );
    const governor = await kubectl(['get', 'governor', '-n', DEMO.namespace]);
    context.narrator.block(governor.stdout.split('\n').filter((line) => line.trim() !== ''));
    observe(
      `policies ${agents.map((a, i) => `${a} ${versions[i]}`).join(', ')}; ` +
        `sidecars on ${agents.map((a) => context.sidecars[a]?.url).join(', ')}`,
      true,
    );
  },
};

/** Prepares the agent's token and policy file, starts its sidecar, waits until it is ready; returns the policy version. */
async function startAgentSidecar(context: DemoContext, agent: AgentName, port: number): Promise<string> {
  const { kubectl } = connected(context);
  const { narrator, operator } = context;
  if (!operator) throw new Error('the operator is not running');
  const dir = join(context.layout.work, agent);
  mkdirSync(dir, { recursive: true });
  const policy = await mirroredPolicy(context, agent);
  writeFileSync(join(dir, POLICY_FILE_KEY), policy.text);
  const serviceAccount = DEMO.agents[agent].serviceAccount;
  const token = await kubectl(
    ['create', 'token', serviceAccount, '-n', DEMO.namespace, '--audience=agent-governor', '--duration=24h'],
    { check: true },
  );
  writeFileSync(join(dir, 'token'), token.stdout.trim(), { mode: 0o600 });
  const injected = await injectedArgs(context, agent);
  // Over TLS the sidecar verifies the services against the bundle the pod would mount.
  const caFile = operator.sidecarServicesUrl.startsWith('https:')
    ? await servicesCaFile(context, dir)
    : undefined;
  const args = localSidecarArgs(injected ?? defaultPodArgs(agent), {
    '--port': String(port),
    '--operator-url': operator.sidecarServicesUrl,
    ...(caFile ? { '--operator-ca-file': caFile } : {}),
    '--token-file': join(dir, 'token'),
    '--policy-file': join(dir, POLICY_FILE_KEY),
    '--spool-dir': join(dir, 'spool'),
    // The pod's metrics listener (0.0.0.0:9464) made local: loopback, a free port per sidecar.
    '--metrics-port': '0',
    '--metrics-host': '127.0.0.1',
  });
  narrator.info(
    `${agent}: agent-governor ${args.join(' ')}` +
      `${injected ? " (the injected container's command, the pod's port and paths made local)" : ''}`,
  );
  const process_ = startDemoProcess(context.layout, `sidecar-${agent}`, [context.layout.bin, ...args]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    context,
    `the ${agent} sidecar's ${url}/readyz`,
    async () => {
      const ended = process_.exitStatus();
      if (ended) throw new Error(`the ${agent} sidecar ${ended}; see ${process_.logPath}`);
      const answer = await httpGet(`${url}/readyz`);
      return answer.status === 200 ? true : `${answer.status} ${answer.body.trim()}`;
    },
    20_000,
    100,
  );
  context.sidecars[agent] = { agent, url, process: process_ };
  narrator.info(
    `sidecar of ${agent} ready: OPENAI_BASE_URL=${url}/v1, ServiceAccount ${serviceAccount} (token audience agent-governor), log ${process_.logPath}`,
  );
  return policy.version;
}

/**
 * The sidecar services' CA bundle as ConfigMap agent-governor-services-ca of the agents' namespace
 * holds it (the operator publishes it there; an injected pod mounts it), written to `dir/ca.crt`.
 */
export async function servicesCaFile(context: DemoContext, dir: string): Promise<string> {
  const { kube } = connected(context);
  let bundle = '';
  await waitFor(
    context,
    `ConfigMap ${DEMO.namespace}/${SERVICES_CA_CONFIG_MAP} (the CA bundle of the sidecar services)`,
    async () => {
      const configMap = await kube.get(configMaps, {
        namespace: DEMO.namespace,
        name: SERVICES_CA_CONFIG_MAP,
      });
      bundle = configMap?.data?.[SERVICES_CA_KEY] ?? '';
      return bundle ? true : 'not published yet';
    },
    30_000,
  );
  const file = join(dir, SERVICES_CA_KEY);
  writeFileSync(file, bundle);
  return file;
}

/** The arguments of the sidecar injected into the agent's first pod, if one was. */
async function injectedArgs(context: DemoContext, agent: AgentName): Promise<string[] | undefined> {
  const [pod] = await agentPods(context, agent);
  return pod ? injectedSidecar(pod)?.args : undefined;
}

/** The agent's policy as its mirror ConfigMap holds it, once the operator compiled it. */
async function mirroredPolicy(
  context: DemoContext,
  agent: AgentName,
): Promise<{ text: string; version: string }> {
  const { kube } = connected(context);
  const name = policyConfigMapName(agent);
  let found: { text: string; version: string } | undefined;
  await waitFor(
    context,
    `ConfigMap ${DEMO.namespace}/${name} (the compiled policy of ${agent})`,
    async () => {
      const configMap = await kube.get(configMaps, { namespace: DEMO.namespace, name });
      if (!configMap) return 'not created yet';
      const read = policyInConfigMap(configMap);
      if (!read.ok) return read.problem;
      found = { text: configMap.data?.[POLICY_FILE_KEY] ?? '', version: read.policy.version };
      return true;
    },
    30_000,
  );
  return found!;
}
