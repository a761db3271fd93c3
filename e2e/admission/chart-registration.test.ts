// The in-cluster registration modes, played out of cluster against the real API server: the "chart"
// creates both webhook configurations (here pointing at a loopback URL instead of the Service) and
// the operator only keeps our caBundle in them — also after a `helm upgrade` renders them without
// one — never touching anything else; with cert-manager, the operator serves the mounted pair,
// takes a renewed pair without a restart, and leaves the caBundle to cert-manager's CA injector.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePorts } from '../../local-cluster/free-port.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import {
  type CertifiedKey,
  createCertificateAuthority,
  issueCertificate,
} from '../../runtime/tls/certificate-issuer.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  mutatingWebhookConfigurations,
  validatingWebhookConfigurations,
} from '../../webhooks/registration/webhook-configuration-resources.js';
import {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '../../webhooks/registration/webhook-configurations.js';
import {
  MUTATING_CONFIGURATION,
  VALIDATING_CONFIGURATION,
} from '../../webhooks/registration/webhook-names.js';
import { certificateFacts } from '../../webhooks/tls/certificate-facts.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  servingSerial,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

async function freePort(): Promise<number> {
  return (await freePorts(1))[0] as number;
}

describe('chart and cert-manager registration modes (real API server)', { timeout: 240_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator | undefined;
  const operatorNamespace = uniqueName('adm-chart-op');
  const workloads = uniqueName('adm-chart');
  const certDir = mkdtempSync(join(tmpdir(), 'webhook-cert-manager-'));

  /** What the chart renders: the configurations, pointing at `port`, with the chart's failurePolicy. */
  async function installChartConfigurations(port: number, caBundle?: string, verb = 'apply'): Promise<void> {
    const options = {
      baseUrl: `https://127.0.0.1:${port}`,
      failurePolicy: 'Ignore' as const,
      exemptNamespaces: [operatorNamespace, 'kube-system'],
      ...(caBundle ? { caBundle } : {}),
    };
    for (const manifest of [validatingWebhookConfiguration(options), mutatingWebhookConfiguration(options)]) {
      const args =
        verb === 'apply' ? ['apply', '--server-side', '--force-conflicts', '--field-manager=helm'] : [verb];
      await cluster.kubectl([...args, '-f', '-'], {
        input: JSON.stringify(manifest),
        check: true,
      });
    }
  }

  const bundles = async () => {
    const validating = await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION });
    const mutating = await client.get(mutatingWebhookConfigurations, { name: MUTATING_CONFIGURATION });
    return [...(validating?.webhooks ?? []), ...(mutating?.webhooks ?? [])].map(
      (w) => w.clientConfig?.caBundle ?? '',
    );
  };

  const injectedDryRun = async () => {
    const result = await cluster.kubectl(
      ['create', '--dry-run=server', '-o', 'json', '-n', workloads, '-f', '-'],
      {
        input: JSON.stringify({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'probe', labels: { 'governor.agents.dev/agent': 'probe' } },
          spec: { containers: [{ name: 'app', image: 'x' }] },
        }),
      },
    );
    return result.code === 0 && result.stdout.includes('agent-governor-sidecar') ? true : undefined;
  };

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, workloads, { 'governor.agents.dev/inject': 'true' });
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: [operatorNamespace, workloads] });
    await close?.();
    rmSync(certDir, { recursive: true, force: true });
  });

  it('chart mode: puts its caBundle into the chart’s configurations, again after an upgrade resets it', async () => {
    const port = await freePort();
    await installChartConfigurations(port);
    // One per webhook: residency (twice), governor-objects, approvals, approval-gate, sidecar-injection
    // (twice), rollout-hold.
    assert.deepEqual(await bundles(), ['', '', '', '', '', '', '', '']);
    operator = await startAdmissionOperator(cluster, operatorNamespace, [
      '--webhook-registration',
      'chart',
      '--webhook-port',
      String(port),
    ]);
    const first = await eventually('the caBundle in every webhook', async () => {
      const all = await bundles();
      return all.every((b) => b !== '') && new Set(all).size === 1 ? all[0] : undefined;
    });
    await eventually('admission through the chart’s configuration', injectedDryRun, { timeoutMs: 30_000 });

    // An upgrade writes the configurations again, whole and without a caBundle.
    const before = await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION });
    await installChartConfigurations(port, undefined, 'replace');
    const replaced = await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION });
    assert.notEqual(replaced?.metadata?.resourceVersion, before?.metadata?.resourceVersion);
    const again = await eventually('the caBundle back after the upgrade', async () => {
      const all = await bundles();
      return all.every((b) => b !== '') ? all[0] : undefined;
    });
    assert.equal(again, first);
    // Only the caBundle is ours: the chart's failurePolicy stays.
    const validating = await client.get(validatingWebhookConfigurations, { name: VALIDATING_CONFIGURATION });
    assert.equal(validating?.webhooks?.[0]?.failurePolicy, 'Ignore');
    await operator.process.stop();
    operator = undefined;
  });

  it('cert-manager mode: serves the mounted pair, takes a renewed one, never touches the caBundle', async () => {
    const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000) };
    const ca = await createCertificateAuthority('cert-manager-test-ca', validity);
    const write = (pair: CertifiedKey) => {
      writeFileSync(join(certDir, 'tls.crt'), pair.certificate);
      writeFileSync(join(certDir, 'tls.key'), pair.privateKey);
      writeFileSync(join(certDir, 'ca.crt'), ca.certificate);
    };
    const issue = () =>
      issueCertificate(ca, { subject: 'CN=w', usage: 'serverAuth', ipAddresses: ['127.0.0.1'], validity });
    const first = await issue();
    write(first);
    const port = await freePort();
    // cert-manager's CA injector has filled in the bundle.
    await installChartConfigurations(port, ca.certificate);
    const injected = await bundles();
    operator = await startAdmissionOperator(cluster, operatorNamespace, [
      '--webhook-registration',
      'chart',
      '--webhook-port',
      String(port),
      '--webhook-cert-mode',
      'cert-manager',
      '--webhook-cert-dir',
      certDir,
      '--webhook-cert-poll-interval',
      '1s',
    ]);
    await eventually('admission with the mounted certificate', injectedDryRun, { timeoutMs: 30_000 });
    assert.equal(await servingSerial(operator.webhooksUrl), certificateFacts(first.certificate).serial);

    const renewed = await issue();
    write(renewed);
    await eventually('the renewed certificate served', async () =>
      (await servingSerial(operator?.webhooksUrl ?? '')) === certificateFacts(renewed.certificate).serial
        ? true
        : undefined,
    );
    assert.ok(await injectedDryRun());
    assert.deepEqual(await bundles(), injected, 'the operator changed the caBundle cert-manager owns');
  });
});
