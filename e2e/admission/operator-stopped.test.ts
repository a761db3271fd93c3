// What a stopped operator means for admission, through the real API server: the webhook
// configurations stay (out of cluster, by default) and their failurePolicy decides where they match —
// an agent pod that opted in to injection is refused (it must not start without its sidecar), while a
// namespace under no Enforce residency policy admits workloads (residency-scope.test.ts shows the
// namespaces that do fail closed), the operator's own namespace and kube-system keep working and the
// governor objects (Ignore) stay editable; a restart takes over with the same CA;
// `--webhook-failure-policy Ignore` admits while away; `--webhook-cleanup-on-exit` removes them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { validatingWebhookConfigurations } from '../../webhooks/registration/webhook-configuration-resources.js';
import { VALIDATING_CONFIGURATION } from '../../webhooks/registration/webhook-names.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
  webhooksRegistered,
} from './admission-operator.js';

const INJECT = 'governor.agents.dev/inject';

function pod(name: string, labels: Record<string, string> = { app: name }) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'app', image: 'registry.example/app:1' }] },
  };
}

describe('admission while the operator is stopped (real API server)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator | undefined;
  const operatorNamespace = uniqueName('adm-stop-op');
  const workloads = uniqueName('adm-stop');
  const plain = uniqueName('adm-stop-plain');

  const create = (manifest: unknown, namespace: string, dryRun = false) =>
    cluster.kubectl(['create', ...(dryRun ? ['--dry-run=server'] : []), '-n', namespace, '-f', '-'], {
      input: JSON.stringify(manifest),
    });
  const caBundle = async () =>
    (await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION }))?.webhooks?.[0]
      ?.clientConfig?.caBundle;

  async function start(extra: string[] = []): Promise<AdmissionOperator> {
    operator = await startAdmissionOperator(cluster, operatorNamespace, extra);
    // Serving once an agent pod's dry-run comes back injected.
    await eventually(
      'the webhooks answering',
      async () => {
        const result = await cluster.kubectl(
          ['create', '--dry-run=server', '-o', 'json', '-n', workloads, '-f', '-'],
          {
            input: JSON.stringify(pod('probe', { 'governor.agents.dev/agent': 'probe' })),
          },
        );
        return result.code === 0 && result.stdout.includes('agent-governor-sidecar') ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    return operator;
  }

  async function stop(): Promise<void> {
    const code = await operator?.process.stop('SIGTERM');
    assert.equal(code, 0, `the operator did not stop cleanly:\n${operator?.process.output()}`);
    operator = undefined;
  }

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, workloads, { [INJECT]: 'true' });
    await createNamespace(client, plain);
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: [operatorNamespace, workloads, plain] });
    await close?.();
  });

  it('keeps its configurations after a stop: Fail blocks only what opted in, not workloads it does not govern', async () => {
    await start();
    const bundle = await caBundle();
    assert.ok(bundle, 'no caBundle registered');
    await stop();
    assert.ok(await webhooksRegistered(client), 'the configurations were removed on stop');

    // No Enforce residency policy selects these namespaces: their workloads are admitted.
    const web = await create(pod('web'), workloads);
    assert.equal(web.code, 0, `a namespace no Enforce policy governs was blocked:\n${web.stderr}`);
    const deployment = await cluster.kubectl(
      ['create', 'deployment', 'shop', '--image=registry.example/shop:1', '-n', plain],
      {},
    );
    assert.equal(deployment.code, 0, deployment.stderr);
    // An agent pod that did not opt in to injection is never sent to the injector.
    const notOptedIn = await create(pod('agent', { 'governor.agents.dev/agent': 'a' }), plain);
    assert.equal(notOptedIn.code, 0, notOptedIn.stderr);
    // One that did (its namespace, or its own label) waits for the operator: never ungoverned.
    const agent = await create(pod('agent', { 'governor.agents.dev/agent': 'a' }), workloads);
    assert.notEqual(agent.code, 0, 'an opted-in agent pod started without its sidecar');
    assert.match(agent.stderr, /failed calling webhook "sidecar-injection\.governor\.agents\.dev"/);
    const byPod = await create(pod('agent-2', { 'governor.agents.dev/agent': 'a', [INJECT]: 'true' }), plain);
    assert.match(byPod.stderr, /failed calling webhook "sidecar-injection-pod\.governor\.agents\.dev"/);

    // The operator's own namespace and kube-system are never sent to the webhooks.
    const own = await create(pod('own'), operatorNamespace);
    assert.equal(own.code, 0, own.stderr);
    const system = await create(pod('system'), 'kube-system', true);
    assert.equal(system.code, 0, system.stderr);

    // Governor objects are checked with failurePolicy Ignore: still editable, e.g. to fix a policy.
    const route = await create(
      {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'FallbackRoute',
        metadata: { name: 'while-away' },
        spec: {
          agentSelector: { matchLabels: { app: 'x' } },
          model: 'gpt-4o',
          targets: [{ name: 'eu', provider: 'OpenAI', endpoint: 'https://eu.api.openai.com/v1' }],
        },
      },
      workloads,
    );
    assert.equal(route.code, 0, route.stderr);

    // Started again, it serves with the CA it kept in its Secret: the registered bundle is unchanged.
    await start();
    assert.equal(await caBundle(), bundle);
    const admitted = await create(pod('agent-3', { 'governor.agents.dev/agent': 'a' }), workloads);
    assert.equal(admitted.code, 0, admitted.stderr);
    await stop();
  });

  it('admits while away with --webhook-failure-policy Ignore', async () => {
    await start(['--webhook-failure-policy', 'Ignore']);
    await stop();
    // Even an opted-in agent pod: it starts, without its sidecar.
    const admitted = await create(pod('ignored', { 'governor.agents.dev/agent': 'a' }), workloads);
    assert.equal(admitted.code, 0, admitted.stderr);
  });

  it('removes its configurations on a graceful stop with --webhook-cleanup-on-exit', async () => {
    await start(['--webhook-cleanup-on-exit']);
    assert.ok(await webhooksRegistered(client));
    await stop();
    assert.equal(await webhooksRegistered(client), false);
    const admitted = await create(pod('after-cleanup', { 'governor.agents.dev/agent': 'a' }), workloads);
    assert.equal(admitted.code, 0, admitted.stderr);
  });
});
