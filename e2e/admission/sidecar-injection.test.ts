// Sidecar injection through the real API server: the operator registers its mutating webhook at its
// own loopback URL; Deployments in an opted-in namespace get pods, created by the kube-controller-
// manager, with the native sidecar; other pods are left alone; a second pass changes nothing; a
// server-side dry-run shows the injected pod and creates nothing; warnings reach kubectl.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import { deployments, type Wire } from '../../runtime/kube/resources.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  INJECTED_ANNOTATION,
  SIDECAR_LABEL,
  SIDECAR_LABEL_VALUE,
} from '../../webhooks/injection/injection-labels.js';
import { METRICS_PORT_NAME, SIDECAR_CONTAINER } from '../../webhooks/injection/sidecar-container.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

type Pod = Wire<V1Pod>;
const pods = resourceType<Pod>({
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
});

const AGENT = 'governor.agents.dev/agent';
const INJECT = 'governor.agents.dev/inject';

function agentPod(name: string, labels: Record<string, string>, extra: Partial<V1Pod> = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, ...(extra.metadata ?? {}) },
    spec: { containers: [{ name: 'app', image: 'registry.example/agent:1' }], ...(extra.spec ?? {}) },
  };
}

const sidecarOf = (pod: Pod): V1Container | undefined =>
  [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].find(
    (c) => c.name === SIDECAR_CONTAINER,
  );
const envOf = (c: V1Container | undefined) =>
  Object.fromEntries((c?.env ?? []).map((e) => [e.name, e.value]));

describe('sidecar injection (mutating webhook, real API server)', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('adm-inj-op');
  const agents = uniqueName('adm-inj-on');
  const plain = uniqueName('adm-inj-off');

  const kubectlJson = async (args: string[], input?: string) => {
    const result = await cluster.kubectl(args, { ...(input ? { input } : {}) });
    return {
      ...result,
      object: result.code === 0 && result.stdout ? (JSON.parse(result.stdout) as Pod) : undefined,
    };
  };
  const dryRunPod = (manifest: unknown, namespace = agents) =>
    kubectlJson(
      ['create', '--dry-run=server', '-n', namespace, '-o', 'json', '-f', '-'],
      JSON.stringify(manifest),
    );

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, agents, { [INJECT]: 'true' });
    await createNamespace(client, plain);
    operator = await startAdmissionOperator(cluster, operatorNamespace);
    // The API server learns of the configuration through a watch: wait until a dry-run is injected
    // (and the namespace's ServiceAccount exists, which a pod needs).
    await eventually(
      'the first injected dry-run pod',
      async () => sidecarOf((await dryRunPod(agentPod('probe', { [AGENT]: 'probe' }))).object ?? {}),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: [operatorNamespace, agents, plain] });
    await close?.();
  });

  it('injects the native sidecar into the pods the controller manager creates for a Deployment', async () => {
    const labels = { app: 'support', [AGENT]: 'support' };
    await client.create(deployments, {
      metadata: { name: 'support', namespace: agents },
      spec: {
        replicas: 2,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'app', image: 'registry.example/agent:1' }] },
        },
      },
    });
    const created = await eventually(
      'two pods of the Deployment',
      async () => {
        const list = await client.list(pods, { namespace: agents, labelSelector: 'app=support' });
        return list.length >= 2 ? list : undefined;
      },
      { timeoutMs: 60_000 },
    );
    for (const pod of created) {
      const sidecar = pod.spec?.initContainers?.[0];
      assert.equal(sidecar?.name, SIDECAR_CONTAINER, `pod ${pod.metadata?.name} has no sidecar`);
      assert.equal(sidecar?.restartPolicy, 'Always');
      assert.ok(sidecar?.args?.includes(`${agents}/support`));
      assert.equal(sidecar?.securityContext?.readOnlyRootFilesystem, true);
      const app = pod.spec?.containers?.find((c) => c.name === 'app');
      assert.equal(envOf(app)['OPENAI_BASE_URL'], 'http://127.0.0.1:4000/v1');
      assert.equal(envOf(app)['ANTHROPIC_BASE_URL'], 'http://127.0.0.1:4000');
      assert.equal(app?.volumeMounts?.some((m) => m.name.startsWith('agent-governor-')) ?? false, false);
      const volumes = pod.spec?.volumes?.map((v) => v.name) ?? [];
      for (const name of ['agent-governor-token', 'agent-governor-policy', 'agent-governor-spool']) {
        assert.ok(volumes.includes(name), `${name} missing from ${volumes.join(', ')}`);
      }
      assert.match(pod.metadata?.annotations?.[INJECTED_ANNOTATION] ?? '', /"mode":"native-sidecar"/);
      // What the chart's PodMonitor selects: the label, and the metrics port of the sidecar.
      assert.equal(pod.metadata?.labels?.[SIDECAR_LABEL], SIDECAR_LABEL_VALUE);
      assert.equal(pod.metadata?.labels?.['app'], 'support', 'the template labels stay');
      assert.deepEqual(
        sidecar?.ports?.map((p) => [p.name, p.containerPort]),
        [[METRICS_PORT_NAME, 9464]],
      );
    }
    // The Deployment itself is stored as written: pods are injected, templates are not.
    const deployment = await client.get(deployments, { namespace: agents, name: 'support' });
    assert.equal(deployment?.spec?.template?.spec?.initContainers, undefined);
  });

  it('is idempotent: a pod created from an injected pod’s spec comes out unchanged', async () => {
    const [source] = await client.list(pods, { namespace: agents, labelSelector: 'app=support' });
    assert.ok(source);
    const copy = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'copy-of-injected',
        labels: source.metadata?.labels,
        annotations: source.metadata?.annotations,
      },
      spec: { ...source.spec, nodeName: undefined },
    };
    const created = await client.create(pods, {
      ...copy,
      metadata: { ...copy.metadata, namespace: agents },
    } as Pod);
    assert.deepEqual(
      created.spec?.initContainers?.map((c) => c.name),
      [SIDECAR_CONTAINER],
    );
    assert.deepEqual(
      created.spec?.volumes?.map((v) => v.name),
      source.spec?.volumes?.map((v) => v.name),
    );
    assert.deepEqual(created.spec?.containers, source.spec?.containers);
    assert.deepEqual(created.metadata?.labels, source.metadata?.labels);
    assert.equal(
      created.metadata?.annotations?.[INJECTED_ANNOTATION],
      source.metadata?.annotations?.[INJECTED_ANNOTATION],
    );
  });

  it('leaves alone pods that are not agents, not opted in, or opted out', async () => {
    const cases: Array<[string, ReturnType<typeof agentPod>, string]> = [
      ['not an agent', agentPod('web', { app: 'web' }), agents],
      ['namespace not opted in', agentPod('quiet', { [AGENT]: 'quiet' }), plain],
      [
        'opted out',
        agentPod('out', { [AGENT]: 'out' }, { metadata: { annotations: { [INJECT]: 'false' } } }),
        agents,
      ],
    ];
    for (const [what, manifest, namespace] of cases) {
      const result = await dryRunPod(manifest, namespace);
      assert.equal(result.code, 0, `${what}: ${result.stderr}`);
      assert.equal(sidecarOf(result.object ?? {}), undefined, `${what}: injected`);
    }
    const optedIn = await dryRunPod(agentPod('self', { [AGENT]: 'self', [INJECT]: 'true' }), plain);
    assert.ok(sidecarOf(optedIn.object ?? {}), 'a pod opting in itself is injected in any namespace');
  });

  it('shows the injected pod on a server-side dry-run and creates nothing', async () => {
    const manifest = agentPod('dry', { [AGENT]: 'dry' });
    const result = await cluster.kubectl(
      ['apply', '--dry-run=server', '-n', agents, '-o', 'json', '-f', '-'],
      {
        input: JSON.stringify(manifest),
      },
    );
    assert.equal(result.code, 0, result.stderr);
    assert.ok(sidecarOf(JSON.parse(result.stdout) as Pod));
    assert.equal(await client.get(pods, { namespace: agents, name: 'dry' }), undefined);
    const deployment = await cluster.kubectl([
      'create',
      'deployment',
      'dry-deploy',
      '--image=x',
      '--dry-run=server',
      '-n',
      agents,
    ]);
    assert.equal(deployment.code, 0, deployment.stderr);
    assert.equal(await client.get(deployments, { namespace: agents, name: 'dry-deploy' }), undefined);
  });

  it('keeps an explicit SDK base URL and tells kubectl so', async () => {
    const manifest = agentPod(
      'pinned',
      { [AGENT]: 'pinned' },
      {
        spec: {
          containers: [
            {
              name: 'app',
              image: 'x',
              env: [{ name: 'OPENAI_BASE_URL', value: 'http://gateway.ai.svc:8080/v1' }],
            },
          ],
        },
      },
    );
    const result = await cluster.kubectl(['create', '-n', agents, '-f', '-'], {
      input: JSON.stringify(manifest),
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(
      result.stderr,
      /Warning: container app sets OPENAI_BASE_URL itself: its calls bypass the agent-governor sidecar/,
    );
    const pod = await client.get(pods, { namespace: agents, name: 'pinned' });
    assert.equal(envOf(pod?.spec?.containers?.[0])['OPENAI_BASE_URL'], 'http://gateway.ai.svc:8080/v1');
    assert.ok(sidecarOf(pod ?? {}));
  });

  it('counts the reviews it answered in the operator’s metrics', async () => {
    const text = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    assert.ok(
      metricValue(text, 'governor_operator_admission_requests_total', {
        handler: 'sidecar-injection',
        outcome: 'patched',
      }) >= 3,
    );
    assert.ok(metricValue(text, 'governor_operator_admission_requests_total', { handler: 'residency' }) >= 3);
    assert.ok(
      metricValue(text, 'governor_operator_admission_duration_seconds_count', {
        handler: 'sidecar-injection',
      }) >= 3,
    );
  });
});
