// Audit findings reach the DataResidencyPolicy's status, for every workload, promptly: under an
// Audit-mode EU-only policy whose auditInterval is 10 minutes, a Deployment WITHOUT the agent label
// pointing at a US LLM endpoint is admitted, and the policy's status lists it within seconds — the
// residency webhook asked the controller (same process) for an audit; its ReplicaSet and Pods are
// not listed again. And the periodic audit lists what admission never saw under the policy: a bare
// Pod and a DaemonSet made before their namespace was selected.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import type { KubeObject } from '../../runtime/kube/kube-object.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import { deployments, namespaces } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

const POLICY_PREFIX = 'audit-status-e2e-';
const US_ENDPOINT = 'https://api.openai.com/v1';
type WithSpec = KubeObject & { spec?: unknown };
const pods = resourceType<WithSpec>({
  group: '',
  version: 'v1',
  plural: 'pods',
  kind: 'Pod',
  namespaced: true,
});
const daemonSets = resourceType<WithSpec>({
  group: 'apps',
  version: 'v1',
  plural: 'daemonsets',
  kind: 'DaemonSet',
  namespaced: true,
});

const podSpec = (container: string) => ({
  containers: [{ name: container, image: 'busybox', env: [{ name: 'OPENAI_BASE_URL', value: US_ENDPOINT }] }],
});
const template = (app: string, container: string) => ({
  metadata: { labels: { app } },
  spec: podSpec(container),
});

function policyOf(
  name: string,
  selector: Record<string, string>,
  auditInterval: string,
): DataResidencyPolicy {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name },
    spec: {
      mode: 'Audit',
      namespaceSelector: { matchLabels: selector },
      allowedJurisdictions: ['EU'],
      auditInterval,
    },
  } as unknown as DataResidencyPolicy;
}

describe('residency Audit findings in the policy status (operator with local webhooks)', {
  timeout: 300_000,
}, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('adm-aud-op');
  const made: string[] = [operatorNamespace];

  /** The policy, once its first audit is written (the operator's caches have it). */
  async function auditedPolicy(manifest: DataResidencyPolicy): Promise<DataResidencyPolicy> {
    await client.create(dataResidencyPolicies, manifest);
    const name = manifest.metadata?.name ?? '';
    return eventually(`the first audit of ${name}`, async () => {
      const stored = await client.get(dataResidencyPolicies, { name });
      return stored?.status?.lastAuditTime && stored.status.observedGeneration === stored.metadata?.generation
        ? stored
        : undefined;
    });
  }

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    operator = await startAdmissionOperator(cluster, operatorNamespace);
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: made, policyPrefix: POLICY_PREFIX });
    await close?.();
  });

  it('lists an admitted non-agent Deployment within 15 s although the audit interval is 10m', async (t) => {
    const namespace = uniqueName('adm-aud');
    made.push(namespace);
    const label = { 'audit-status-e2e': namespace };
    await createNamespace(client, namespace, label);
    const name = uniqueName(POLICY_PREFIX.slice(0, -1));
    const first = await auditedPolicy(policyOf(name, label, '10m'));
    assert.equal(first.status?.violationCount, 0);

    const started = Date.now();
    await client.create(deployments, {
      metadata: { name: 'reporting', namespace },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'reporting' } },
        template: template('reporting', 'report'),
      },
    });
    const audited = await eventually(
      'the Deployment in the status',
      async () => {
        const stored = await client.get(dataResidencyPolicies, { name });
        return (stored?.status?.violationCount ?? 0) > 0 ? stored : undefined;
      },
      { timeoutMs: 15_000 },
    );
    const seconds = (Date.now() - started) / 1000;
    assert.ok(seconds < 15, `listed after ${seconds} s`);
    t.diagnostic(`admitted → listed in the policy's status in ${seconds.toFixed(1)} s`);
    assert.notEqual(audited.status?.lastAuditTime, first.status?.lastAuditTime, 'a new audit ran');
    assert.deepEqual(audited.status?.violations, [
      {
        namespace,
        kind: 'Deployment',
        name: 'reporting',
        container: 'report',
        source: 'env OPENAI_BASE_URL',
        endpoint: US_ENDPOINT,
        region: 'us',
      },
    ]);

    // Its ReplicaSet and Pods (the controller manager makes them; admission saw them too) are the
    // Deployment's template: a later audit still lists the Deployment alone.
    await eventually('the Deployment to have its Pods', async () => {
      const listed = await client.list(pods, { namespace });
      return listed.length === 2 ? listed : undefined;
    });
    await client.patch(
      dataResidencyPolicies,
      { name },
      { type: 'merge', body: { spec: { auditInterval: '11m' } } },
    );
    const again = await eventually('the audit of the changed policy', async () => {
      const stored = await client.get(dataResidencyPolicies, { name });
      return stored?.status?.observedGeneration === stored?.metadata?.generation ? stored : undefined;
    });
    assert.deepEqual(
      again.status?.violations?.map((v) => `${v.kind} ${v.name}`),
      ['Deployment reporting'],
    );
  });

  it('lists a bare Pod and a DaemonSet at the periodic audit, not their owned objects', async () => {
    const namespace = uniqueName('adm-aud');
    made.push(namespace);
    const label = { 'audit-status-e2e': namespace };
    // Made before any policy selects the namespace: admission had nothing to judge.
    await createNamespace(client, namespace);
    await client.create(pods, { metadata: { name: 'debug', namespace }, spec: podSpec('shell') });
    await client.create(daemonSets, {
      metadata: { name: 'collector', namespace },
      spec: { selector: { matchLabels: { app: 'collector' } }, template: template('collector', 'ship') },
    });
    const name = uniqueName(POLICY_PREFIX.slice(0, -1));
    const first = await auditedPolicy(policyOf(name, label, '3s'));
    assert.equal(first.status?.violationCount, 0, 'the namespace is not selected yet');

    await client.patch(
      namespaces,
      { name: namespace },
      { type: 'merge', body: { metadata: { labels: label } } },
    );
    const audited = await eventually(
      'the Pod and the DaemonSet in the status',
      async () => {
        const stored = await client.get(dataResidencyPolicies, { name });
        return (stored?.status?.violationCount ?? 0) >= 2 ? stored : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(
      audited.status?.violations?.map((v) => [v.kind, v.name, v.container, v.source, v.endpoint, v.region]),
      [
        ['DaemonSet', 'collector', 'ship', 'env OPENAI_BASE_URL', US_ENDPOINT, 'us'],
        ['Pod', 'debug', 'shell', 'env OPENAI_BASE_URL', US_ENDPOINT, 'us'],
      ],
    );
    assert.equal(audited.status?.violationCount, 2);
  });
});
