// Certificate rotation with no failed admission, through the real API server: the operator runs with
// lifetimes short enough (serving 10 s, CA 60 s) to renew its serving certificate several times and
// to rotate its CA (staged in the caBundle, promoted after the overlap, the old one dropped when it
// expires) while two callers keep sending pods through both webhooks. Not one admission may fail.
// Also: two keepers racing to create the Secret agree on one CA and certificate.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { InformerSet } from '../../runtime/informer/informer-set.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { validatingWebhookConfigurations } from '../../webhooks/registration/webhook-configuration-resources.js';
import { VALIDATING_CONFIGURATION } from '../../webhooks/registration/webhook-names.js';
import { splitPemBundle } from '../../webhooks/tls/certificate-facts.js';
import { defaultCertificatePolicy } from '../../webhooks/tls/rotation-plan.js';
import { WebhookCertificateKeeper } from '../../webhooks/tls/webhook-certificate-keeper.js';
import { readTlsSecret, secrets, WEBHOOK_TLS_SECRET } from '../../webhooks/tls/webhook-tls-secret.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  servingSerial,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

const RUN_MS = 66_000;

describe('webhook certificate rotation (real API server)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let transport: ApiTransport;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('adm-rot-op');
  const workloads = uniqueName('adm-rot');
  const raceNamespace = uniqueName('adm-rot-race');

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, transport, close } = adminClient(cluster));
    for (const name of [operatorNamespace, raceNamespace]) await createNamespace(client, name);
    await createNamespace(client, workloads, { 'governor.agents.dev/inject': 'true' });
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: [operatorNamespace, workloads, raceNamespace] });
    await close?.();
  });

  /** One pod through both webhooks, as a server-side dry-run; resolves with the problem, if any. */
  async function admitOne(n: number): Promise<string | undefined> {
    try {
      const pod = await transport.json<{ spec?: { initContainers?: Array<{ name: string }> } }>({
        method: 'POST',
        path: `/api/v1/namespaces/${workloads}/pods`,
        query: { dryRun: 'All' },
        body: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `rotating-${n}`, labels: { 'governor.agents.dev/agent': 'rotating' } },
          spec: { containers: [{ name: 'app', image: 'registry.example/agent:1' }] },
        },
      });
      return pod.spec?.initContainers?.[0]?.name === 'agent-governor-sidecar'
        ? undefined
        : 'admitted without the sidecar';
    } catch (err) {
      return (err as Error).message;
    }
  }

  it('renews the serving certificate and rotates the CA while every admission succeeds', async (t) => {
    operator = await startAdmissionOperator(cluster, operatorNamespace, [
      '--webhook-cert-lifetime',
      '10s',
      '--webhook-ca-lifetime',
      '60s',
    ]);
    await eventually(
      'the first admission',
      async () => ((await admitOne(0)) === undefined ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 250,
      },
    );

    const serials = new Set<string>();
    const cas = new Set<string>();
    let largestBundle = 0;
    let admissions = 0;
    const failures: string[] = [];
    const deadline = Date.now() + RUN_MS;
    const caller = async (id: number) => {
      for (let n = 0; Date.now() < deadline; n++) {
        const problem = await admitOne(id * 1_000_000 + n);
        admissions++;
        if (problem) failures.push(`${new Date().toISOString()} ${problem}`);
      }
    };
    const watcher = async () => {
      while (Date.now() < deadline) {
        serials.add(await servingSerial(operator.webhooksUrl));
        const secret = await client.get(secrets, { namespace: operatorNamespace, name: WEBHOOK_TLS_SECRET });
        const signing = readTlsSecret(secret).material.signing?.certificate;
        if (signing) cas.add(signing);
        const configuration = await client.get(validatingWebhookConfigurations, {
          name: VALIDATING_CONFIGURATION,
        });
        const bundle = Buffer.from(
          configuration?.webhooks?.[0]?.clientConfig?.caBundle ?? '',
          'base64',
        ).toString();
        largestBundle = Math.max(largestBundle, splitPemBundle(bundle).length);
        await new Promise((r) => setTimeout(r, 500));
      }
    };
    await Promise.all([caller(1), caller(2), watcher()]);

    t.diagnostic(`${admissions} admissions, ${serials.size} serving certificates seen, ${cas.size} CAs`);
    assert.deepEqual(failures, [], `${failures.length} of ${admissions} admissions failed during rotation`);
    assert.ok(admissions >= 100, `only ${admissions} admissions in ${RUN_MS} ms`);
    assert.ok(serials.size >= 4, `the serving certificate was renewed only ${serials.size - 1} times`);
    assert.ok(cas.size >= 2, 'the CA was never rotated');
    assert.equal(largestBundle, 2, 'the staged CA was never published beside the signing one');
    const bundle = Buffer.from(
      (await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION }))?.webhooks?.[0]
        ?.clientConfig?.caBundle ?? '',
      'base64',
    ).toString();
    assert.equal(splitPemBundle(bundle).length, 1, 'the expired CA was not dropped from the bundle');
    const metrics = await (await fetch(`${operator.metricsUrl}/metrics`)).text();
    assert.ok(metricValue(metrics, 'governor_operator_admission_certificate_rotations_total') >= 4);
    assert.ok(
      metricValue(metrics, 'governor_operator_admission_certificate_expiry_timestamp_seconds') >
        Date.now() / 1000,
    );
  });

  it('lets two replicas race to create the Secret: one writes, both serve the same certificate', async () => {
    const log = pino({ level: 'silent' });
    const replicas = [1, 2].map(() => {
      const replicaTransport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
      const informers = new InformerSet(replicaTransport, { log });
      informers.start();
      const keeper = new WebhookCertificateKeeper({
        client: createKubeClient(replicaTransport),
        informers,
        namespace: raceNamespace,
        policy: defaultCertificatePolicy({ dnsNames: ['agent-governor-webhook.race.svc'], ipAddresses: [] }),
        log,
      });
      return { keeper, informers, transport: replicaTransport };
    });
    try {
      await Promise.all(replicas.map((r) => r.keeper.start()));
      const [a, b] = replicas.map((r) => r.keeper);
      assert.equal(a?.current().cert, b?.current().cert);
      assert.equal(a?.caBundle(), b?.caBundle());
      const secret = await client.get(secrets, { namespace: raceNamespace, name: WEBHOOK_TLS_SECRET });
      assert.equal(readTlsSecret(secret).material.serving?.certificate, a?.current().cert);
    } finally {
      for (const replica of replicas) {
        await replica.keeper.stop();
        await replica.informers.stop();
        await replica.transport.close();
      }
    }
  });
});
