// The shared gateway as shipped, for `npm run bench:sidecar`: `agent-governor gateway` in a process of
// its own against a real local control plane (kube-apiserver and etcd, testing/test-cluster.ts), so the
// benchmark's agent authenticates as in a cluster — its key is a token bound to its pod (audience
// agent-governor-gateway), checked by a real TokenReview and the pod's label. The gateway caches a
// review for 10 s (its default), as in production: the measured calls pay the cached check, the
// first call of each 10 s pays a review. Its agent's policy is the sidecar's (`benchEffectivePolicy`),
// served by long-poll from the in-memory operator peer (testing/governor-services-peer.ts), which
// also takes its usage — the gateway has no config-file mode.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { AGENT_LABEL } from '../../apis/group-version.js';
import { GATEWAY_TOKEN_AUDIENCE } from '../../apis/sidecar-protocol.js';
import { freePorts } from '../../local-cluster/free-port.js';
import { startGovernorServicesPeer } from '../../testing/governor-services-peer.js';
import { testCluster } from '../../testing/test-cluster.js';
import {
  BENCH_AGENT,
  type BenchProcess,
  benchEffectivePolicy,
  startAgentGovernor,
} from './bench-processes.js';
import { CHAT_BODY } from './load-generator.js';

/** The gateway process and the headers its agent calls with (its pod's token as the API key). */
export async function startGatewayCli(
  upstreamBaseUrl: string,
  options: { profileDir?: string } = {},
): Promise<BenchProcess & { headers: Record<string, string> }> {
  const cluster = await testCluster();
  const token = await agentPodToken();
  const peer = await startGovernorServicesPeer();
  peer.setPolicy(benchEffectivePolicy(upstreamBaseUrl));
  const dir = mkdtempSync(join(tmpdir(), 'bench-gateway-'));
  const [port] = await freePorts(1);
  let gateway: BenchProcess;
  try {
    gateway = await startAgentGovernor(
      'gateway',
      [
        '--kubeconfig',
        cluster.kubeconfig,
        '--operator-url',
        peer.url,
        '--namespaces',
        BENCH_AGENT.namespace,
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--spool-dir',
        join(dir, 'spool'),
      ],
      port!,
      options,
    );
  } catch (err) {
    await peer.close();
    throw err;
  }
  const headers = { authorization: `Bearer ${token}` };
  const stop = async () => {
    await gateway.stop();
    await peer.close();
  };
  // One call before the measures: the agent authenticated and its pipeline has its policy.
  const answer = await request(`${gateway.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: CHAT_BODY,
  });
  const text = await answer.body.text();
  if (answer.statusCode !== 200) {
    await stop();
    throw new Error(`the gateway refused the benchmark's agent: ${answer.statusCode} ${text}`);
  }
  return { ...gateway, headers, stop };
}

/** The benchmark agent's namespace, ServiceAccount and pod, and a token bound to that pod. */
async function agentPodToken(): Promise<string> {
  const { kubectl } = await testCluster();
  const { namespace, name } = BENCH_AGENT;
  const pod = `${name}-0`;
  await kubectl(['apply', '-f', '-'], {
    check: true,
    input: JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } },
        { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { namespace, name } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { namespace, name: pod, labels: { [AGENT_LABEL]: name } },
          // No kubelet runs it: the API server only needs it to exist for the token's binding.
          spec: {
            serviceAccountName: name,
            containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
          },
        },
      ],
    }),
  });
  const uid = await kubectl(['get', 'pod', pod, '-n', namespace, '-o', 'jsonpath={.metadata.uid}'], {
    check: true,
  });
  const created = await kubectl(
    [
      'create',
      'token',
      name,
      '-n',
      namespace,
      '--audience',
      GATEWAY_TOKEN_AUDIENCE,
      '--duration',
      '1h',
      '--bound-object-kind',
      'Pod',
      '--bound-object-name',
      pod,
      '--bound-object-uid',
      uid.stdout.trim(),
    ],
    { check: true },
  );
  return created.stdout.trim();
}
