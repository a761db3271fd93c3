// The sidecar link with the operator's defaults, through the real API server: `agent-governor
// operator` (webhooks registered by URL, sidecar services on their defaults: HTTPS with the
// operator's own CA) injects an agent pod; the injected URL is https and names a CA bundle the
// operator publishes in the pod's namespace; a TLS handshake to the services for that URL's host is
// verified against that bundle (and fails against another CA, and plain HTTP is not served); a real
// sidecar started with the injected container's own arguments gets its policy over it. Then the
// binding of agents to ServiceAccounts: a token of another ServiceAccount of the same namespace may
// neither read the agent's policy nor report usage for it (403 naming both), while the agent's own may.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { Agent, request } from 'undici';
import { agentUsageLedgers } from '../../agents/governor-resources.js';
import { SERVICES_CA_CONFIG_MAP, SERVICES_CA_KEY } from '../../agents/services-ca-config-map.js';
import { AGENT_LABEL } from '../../apis/group-version.js';
import { ledgerName } from '../../apis/ledger/ledger-name.js';
import { POLICY_PATH, TRACE_CALLS_PATH, USAGE_PATH } from '../../apis/sidecar-protocol.js';
import { type Pod, pods } from '../../demo/steps/agents-step.js';
import { localSidecarArgs } from '../../demo/steps/sidecars-step.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { configMaps, deployments } from '../../runtime/kube/resources.js';
import { createCertificateAuthority } from '../../runtime/tls/certificate-issuer.js';
import { type CliProcess, startCliProcess } from '../../testing/cli-process.js';
import { eventually } from '../../testing/eventually.js';
import { mirroredPolicy } from '../../testing/governed-agents.js';
import { operatorCommandLine } from '../../testing/operator-command-line.js';
import { agentToken, call, errorMessage, servicesEnv, usageBatchOf } from '../../testing/services-fixture.js';
import type { TestCluster } from '../../testing/test-cluster.js';
import { SIDECAR_CONTAINER } from '../../webhooks/injection/sidecar-container.js';
import {
  adminClient,
  cleanUpAdmission,
  createNamespace,
  uniqueName,
} from '../admission/admission-operator.js';

let cluster: TestCluster;
let admin: ReturnType<typeof adminClient>;
let client: KubeClient;
let operator: CliProcess | undefined;
let servicesPort = 0;
const operatorNs = uniqueName('link-op');
const agentsNs = uniqueName('link-agents');
const dir = mkdtempSync(join(tmpdir(), 'sidecar-link-'));
const sidecars: CliProcess[] = [];
let supportToken: string;
let writerToken: string;
let defaultToken: string;

/** A Deployment of `agent` running as `serviceAccount` (no kubelet runs its pods here). */
function agentWorkload(agent: string, serviceAccount: string) {
  return {
    metadata: { namespace: agentsNs, name: agent },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: agent } },
      template: {
        metadata: { labels: { app: agent, [AGENT_LABEL]: agent } },
        spec: {
          serviceAccountName: serviceAccount,
          containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
        },
      },
    },
  } as never;
}

before(async () => {
  // The cluster with the CRDs installed.
  cluster = (await servicesEnv()).cluster;
  admin = adminClient(cluster);
  client = admin.client;
  await createNamespace(client, operatorNs);
  await createNamespace(client, agentsNs, { 'governor.agents.dev/inject': 'true' });
  // The ServiceAccounts (a pod names one that exists) and their tokens for audience agent-governor.
  [supportToken, writerToken, defaultToken] = await Promise.all([
    agentToken(cluster, agentsNs, 'support-sa'),
    agentToken(cluster, agentsNs, 'writer-sa'),
    agentToken(cluster, agentsNs, 'default'),
  ]);
  await client.create(deployments, agentWorkload('support', 'support-sa'));
  await client.create(deployments, agentWorkload('writer', 'writer-sa'));
  operator = await startCliProcess(
    operatorCommandLine({
      kubeconfig: cluster.kubeconfig,
      namespace: operatorNs,
      leaderElect: false,
      webhooks: { host: '127.0.0.1' },
      extra: ['--webhook-cleanup-on-exit'],
    }),
    /sidecar services (\S+); admission webhooks (https:\/\/\S+)/,
    { timeoutMs: 60_000 },
  );
  servicesPort = Number(new URL(operator.ready[1] ?? '').port);
});

after(async () => {
  for (const sidecar of sidecars) await sidecar.stop();
  await operator?.stop();
  await cleanUpAdmission(client, { namespaces: [agentsNs, operatorNs] }).catch(() => undefined);
  await admin?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The TLS handshake with the local services for `servername`, verified against `ca`. */
function handshake(servername: string, ca: string): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: servicesPort, servername, ca }, () => resolve(socket));
    socket.setTimeout(5_000, () => socket.destroy(new Error('no TLS handshake within 5 s')));
    socket.once('error', reject);
  });
}

describe('the sidecar link with the operator’s defaults', () => {
  let injected: { url: string; caFile: string; caConfigMap: string; args: string[] };
  let bundle: string;

  it('injects an https URL and the CA bundle the operator publishes in the pod’s namespace', async () => {
    const pod = await client.create(pods, {
      metadata: { namespace: agentsNs, name: 'support-0', labels: { [AGENT_LABEL]: 'support' } },
      spec: {
        serviceAccountName: 'support-sa',
        containers: [{ name: 'agent', image: 'registry.invalid/agent:1' }],
      },
    } as Pod);
    const sidecar = [...(pod?.spec?.initContainers ?? []), ...(pod?.spec?.containers ?? [])].find(
      (c) => c.name === SIDECAR_CONTAINER,
    );
    assert.ok(sidecar, `the pod came out without ${SIDECAR_CONTAINER}`);
    const args = sidecar.args ?? [];
    const flag = (name: string) => args[args.indexOf(name) + 1] ?? '';
    const volume = pod?.spec?.volumes?.find((v) => v.name === 'agent-governor-services-ca');
    injected = {
      url: flag('--operator-url'),
      caFile: flag('--operator-ca-file'),
      caConfigMap: volume?.configMap?.name ?? '',
      args,
    };
    assert.equal(injected.url, `https://agent-governor.${operatorNs}.svc:8443`);
    assert.equal(injected.caFile, '/var/run/agent-governor/services-ca/ca.crt');
    assert.equal(injected.caConfigMap, SERVICES_CA_CONFIG_MAP);
    bundle = await eventually(`ConfigMap ${agentsNs}/${SERVICES_CA_CONFIG_MAP}`, async () => {
      const configMap = await client.get(configMaps, { namespace: agentsNs, name: SERVICES_CA_CONFIG_MAP });
      return configMap?.data?.[SERVICES_CA_KEY] || undefined;
    });
    assert.match(bundle, /^-----BEGIN CERTIFICATE-----/);
  });

  it('serves TLS verified against that bundle for the injected host, and nothing else', async () => {
    const host = new URL(injected.url).hostname;
    const socket = await handshake(host, bundle);
    try {
      assert.equal(socket.authorized, true, String(socket.authorizationError));
      assert.match(socket.getProtocol() ?? '', /^TLSv1\.[23]$/);
      assert.match(
        socket.getPeerCertificate().subjectaltname ?? '',
        new RegExp(`DNS:${host.replaceAll('.', '\\.')}`),
      );
    } finally {
      socket.end();
    }
    // Another CA does not verify it: the sidecar trusts the published bundle only.
    const stranger = await createCertificateAuthority('stranger-ca', {
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3_600_000),
    });
    await assert.rejects(
      handshake(host, stranger.certificate),
      /self[- ]signed|unable to verify|certificate/i,
    );
    // Nor does a name the certificate does not carry.
    await assert.rejects(
      handshake('agent-governor.elsewhere.svc', bundle),
      /altnames|does not match|Hostname/i,
    );
    // Plain HTTP gets no HTTP answer.
    const plain = new Agent({ connections: 1 });
    await assert.rejects(
      request(`http://127.0.0.1:${servicesPort}${POLICY_PATH}/${agentsNs}/support`, {
        dispatcher: plain,
        headersTimeout: 5_000,
      }).then((r) => r.body.text()),
    );
    await plain.close();
  });

  it('a real sidecar started with the injected arguments gets its policy over it', async () => {
    await mirroredPolicy(client, agentsNs, 'support');
    const caFile = join(dir, 'ca.crt');
    writeFileSync(caFile, bundle);
    const tokenFile = join(dir, 'support-token');
    writeFileSync(tokenFile, supportToken);
    // The pod's URL names the in-cluster Service; here the services listen on loopback, which the
    // certificate also names (--bind-address 127.0.0.1).
    const args = localSidecarArgs(injected.args, {
      '--port': '0',
      '--operator-url': `https://127.0.0.1:${servicesPort}`,
      '--operator-ca-file': caFile,
      '--token-file': tokenFile,
      '--spool-dir': join(dir, 'spool'),
      '--metrics-port': '0',
      '--metrics-host': '127.0.0.1',
    }).filter((arg) => !arg.startsWith('--policy-file'));
    const sidecar = await startCliProcess(args, /agent-governor sidecar listening on (http:\/\/\S+)/, {
      timeoutMs: 30_000,
    });
    sidecars.push(sidecar);
    const ready = await request(`${sidecar.ready[1]}/readyz`);
    assert.equal(ready.statusCode, 200, await ready.body.text());
    assert.doesNotMatch(sidecar.output(), /cannot reach the operator|fallback policy/);
  });
});

describe('agents are bound to the ServiceAccounts their workloads run as', () => {
  let trusted: Agent;
  const services = () => `https://127.0.0.1:${servicesPort}`;

  before(async () => {
    const bundle = await eventually('the services CA bundle', async () => {
      const configMap = await client.get(configMaps, { namespace: agentsNs, name: SERVICES_CA_CONFIG_MAP });
      return configMap?.data?.[SERVICES_CA_KEY] || undefined;
    });
    trusted = new Agent({ connections: 4, connect: { ca: bundle } });
  });
  after(() => trusted?.close());

  const policy = (token: string) =>
    call(`${services()}${POLICY_PATH}/${agentsNs}/support`, { token, dispatcher: trusted });
  const usage = (token: string, sequence: number) =>
    call(`${services()}${USAGE_PATH}`, {
      token,
      dispatcher: trusted,
      body: usageBatchOf(agentsNs, 'support', 'support-pod', sequence),
    });
  const traceCall = (token: string) =>
    call(`${services()}${TRACE_CALLS_PATH}/${agentsNs}/support`, {
      token,
      dispatcher: trusted,
      body: JSON.stringify({ traceId: 'plan-7', limit: 5, seen: 0 }),
    });

  it('serves the agent’s own ServiceAccount its policy and records its usage', async () => {
    const read = await policy(supportToken);
    assert.equal(read.status, 200, read.body);
    const posted = await usage(supportToken, 1);
    assert.equal(posted.status, 200, posted.body);
  });

  it('refuses another ServiceAccount of the namespace the agent’s policy: 403 naming both', async () => {
    for (const [token, account] of [
      [writerToken, 'writer-sa'],
      [defaultToken, 'default'],
    ] as const) {
      const answer = await policy(token);
      assert.equal(answer.status, 403, answer.body);
      assert.match(
        errorMessage(answer),
        new RegExp(
          `^ServiceAccount ${agentsNs}/${account} may not read the policy of agent ${agentsNs}/support: ` +
            `the workloads of agent ${agentsNs}/support run as ServiceAccount support-sa`,
        ),
      );
    }
  });

  it('refuses another ServiceAccount of the namespace a usage report for the agent: 403 naming both, nothing recorded', async () => {
    const ledger = () => client.get(agentUsageLedgers, { namespace: agentsNs, name: ledgerName('support') });
    const before = JSON.stringify((await ledger())?.spec);
    const answer = await usage(writerToken, 2);
    assert.equal(answer.status, 403, answer.body);
    assert.match(
      errorMessage(answer),
      new RegExp(
        `^ServiceAccount ${agentsNs}/writer-sa may not report usage of agent ${agentsNs}/support: ` +
          `the workloads of agent ${agentsNs}/support run as ServiceAccount support-sa`,
      ),
    );
    assert.equal(JSON.stringify((await ledger())?.spec), before, 'the refused batch changed the ledger');
  });

  it('counts a call of the agent’s trace for its own ServiceAccount, refuses another: 403 naming both', async () => {
    const own = await traceCall(supportToken);
    assert.equal(own.status, 200, own.body);
    assert.deepEqual(JSON.parse(own.body), { admitted: true, calls: 1 });
    const other = await traceCall(writerToken);
    assert.equal(other.status, 403, other.body);
    assert.match(
      errorMessage(other),
      new RegExp(
        `^ServiceAccount ${agentsNs}/writer-sa may not count calls of a trace of agent ${agentsNs}/support: ` +
          `the workloads of agent ${agentsNs}/support run as ServiceAccount support-sa`,
      ),
    );
    const again = await traceCall(supportToken);
    assert.deepEqual(JSON.parse(again.body), { admitted: true, calls: 2 }, 'the refused take was counted');
  });

  it('binds a ServiceAccount as soon as a workload of the agent runs as it', async () => {
    await client.create(deployments, {
      ...(agentWorkload('support', 'writer-sa') as object),
      metadata: { namespace: agentsNs, name: 'support-batch' },
    } as never);
    const answer = await eventually('the writer-sa token served the support policy', async () => {
      const read = await policy(writerToken);
      return read.status === 200 ? read : undefined;
    });
    assert.equal(answer.status, 200);
  });
});
