// Residency through the indirections Kubernetes shows, against the real API server and the operator
// with its webhooks (docs/adr/0038-residency-follows-indirections.md): a Deployment whose
// OPENAI_BASE_URL names an ExternalName Service to api.openai.com is refused naming the Service, and
// admitted once the Service points at the EU host; a Service without selector backed by a
// hand-written Endpoints object (mirrored into an EndpointSlice by Kubernetes) is judged by its
// address; and what changes after admission — the ExternalName pointed back at the US, a mounted
// ConfigMap edited to a US endpoint — is listed by the periodic audit in the policy's status, with
// an Event, while a new workload mounting the edited ConfigMap is refused at once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { configMaps, services } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  agentEnv,
  agentMounting,
  externalNameService,
  type Manifest,
  workload,
} from '../../webhooks/residency/testdata/residency-case.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

const POLICY_PREFIX = 'indirections-e2e-';
// Before the operator labels a namespace newly under an Enforce policy, the fail-open entry judges it alike.
const DENIED_BY = 'admission webhook "residency(-fail-open)?\\.governor\\.agents\\.dev" denied the request';

describe('residency through Services and mounted ConfigMaps (real API server)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('adm-ind-op');
  const made: string[] = [operatorNamespace];

  const kubectlApply = (verb: string[], namespace: string, manifest: unknown) =>
    cluster.kubectl([...verb, '-n', namespace, '-f', '-'], { input: JSON.stringify(manifest) });
  /** kubectl apply that must succeed. */
  const applied = async (namespace: string, manifest: unknown) => {
    const result = await kubectlApply(['apply'], namespace, manifest);
    assert.equal(result.code, 0, result.stderr);
  };

  /** A namespace selected by a fresh Enforce EU-only policy auditing every 3 s, once audited. */
  async function governedNamespace(): Promise<{ namespace: string; policy: string }> {
    const namespace = uniqueName('adm-ind');
    made.push(namespace);
    const label = { 'indirections-e2e': namespace };
    await createNamespace(client, namespace, label);
    const policy = uniqueName(POLICY_PREFIX.slice(0, -1));
    await client.create(dataResidencyPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'DataResidencyPolicy',
      metadata: { name: policy },
      spec: {
        mode: 'Enforce',
        namespaceSelector: { matchLabels: label },
        allowedJurisdictions: ['EU'],
        auditInterval: '3s',
      },
    } as unknown as DataResidencyPolicy);
    await eventually(`the first audit of ${policy}`, async () => {
      const stored = await client.get(dataResidencyPolicies, { name: policy });
      return stored?.status?.lastAuditTime ? true : undefined;
    });
    return { namespace, policy };
  }

  /** The policy's violations once one matches `wanted` (the periodic audit found it). */
  async function auditedViolation(policy: string, wanted: (source: string) => boolean) {
    return eventually(
      'the violation in the policy status',
      async () => {
        const stored = await client.get(dataResidencyPolicies, { name: policy });
        return stored?.status?.violations?.find((v) => wanted(v.source));
      },
      { timeoutMs: 45_000 },
    );
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

  it('refuses an ExternalName to the US naming the Service, admits it pointed at the EU, and audits it pointed back', async () => {
    const { namespace, policy } = await governedNamespace();
    await applied(namespace, externalNameService('llm-proxy', 'api.openai.com'));
    const manifest = workload(
      'Deployment',
      'chat',
      agentEnv({ OPENAI_BASE_URL: `http://llm-proxy.${namespace}.svc/v1` }),
    );
    const refused = await eventually('the refusal through the Service', async () => {
      const answer = await kubectlApply(['create'], namespace, manifest);
      return answer.code !== 0 && answer.stderr.includes('via Service') ? answer.stderr : undefined;
    });
    assert.match(refused, new RegExp(DENIED_BY));
    assert.ok(
      refused.includes(
        `container agent, env OPENAI_BASE_URL via Service ${namespace}/llm-proxy: http://llm-proxy.${namespace}.svc/v1 → api.openai.com, region us (US); policy ${policy}`,
      ),
      refused,
    );

    await client.patch(
      services,
      { namespace, name: 'llm-proxy' },
      { type: 'merge', body: { spec: { externalName: 'eu.api.openai.com' } } },
    );
    await eventually('admitted once the Service points at the EU', async () =>
      (await kubectlApply(['create'], namespace, manifest)).code === 0 ? true : undefined,
    );

    // Pointed back at the US after admission: no admission runs, the audit sees it.
    await client.patch(
      services,
      { namespace, name: 'llm-proxy' },
      { type: 'merge', body: { spec: { externalName: 'api.openai.com' } } },
    );
    const violation = await auditedViolation(policy, (source) => source.includes('via Service'));
    assert.deepEqual(violation, {
      namespace,
      kind: 'Deployment',
      name: 'chat',
      container: 'agent',
      source: `env OPENAI_BASE_URL via Service ${namespace}/llm-proxy`,
      endpoint: `http://llm-proxy.${namespace}.svc/v1`,
      region: 'us',
    });
    await eventually('an Event naming the Service', async () => {
      const events = await cluster.kubectl(['get', 'events.events.k8s.io', '-A', '-o', 'json'], {
        check: true,
      });
      const items = JSON.parse(events.stdout).items as Array<{
        reason?: string;
        note?: string;
        regarding?: { name?: string };
      }>;
      return items.some(
        (e) =>
          e.reason === 'ResidencyViolation' &&
          e.regarding?.name === policy &&
          e.note?.includes(`via Service ${namespace}/llm-proxy`),
      )
        ? true
        : undefined;
    });
  });

  it('judges a Service without selector by the address of its hand-written Endpoints', async () => {
    const { namespace } = await governedNamespace();
    await applied(namespace, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'gateway' },
      spec: { ports: [{ port: 443 }] },
    });
    await applied(namespace, {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'gateway' },
      subsets: [{ addresses: [{ ip: '203.0.113.7' }], ports: [{ port: 443 }] }],
    });
    const manifest = workload('Deployment', 'gw-user', agentEnv({ OPENAI_BASE_URL: 'https://gateway/v1' }));
    const refused = await eventually(
      'the refusal once Kubernetes mirrored the Endpoints into an EndpointSlice',
      async () => {
        const answer = await kubectlApply(['create', '--dry-run=server'], namespace, manifest);
        return answer.code !== 0 ? answer.stderr : undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.ok(
      refused.includes(
        `env OPENAI_BASE_URL via Service ${namespace}/gateway: https://gateway/v1 → 203.0.113.7, region unknown`,
      ),
      refused,
    );
  });

  it('audits a mounted ConfigMap edited after admission, and refuses the next workload mounting it', async () => {
    const { namespace, policy } = await governedNamespace();
    const files = (baseUrl: string): Manifest => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'llm-files' },
      data: { 'config.yaml': `llm:\n  base_url: ${baseUrl}\n` },
    });
    const mounting = (name: string) =>
      workload(
        'Deployment',
        name,
        agentMounting({ llm: '/etc/agent' }, [{ name: 'llm', configMap: { name: 'llm-files' } }]),
      );
    await applied(namespace, files('https://eu.api.openai.com/v1'));
    const created = await kubectlApply(['create'], namespace, mounting('reader'));
    assert.equal(created.code, 0, created.stderr);

    await client.patch(
      configMaps,
      { namespace, name: 'llm-files' },
      { type: 'merge', body: { data: { 'config.yaml': 'llm:\n  base_url: https://api.openai.com/v1\n' } } },
    );
    const violation = await auditedViolation(policy, (source) => source.startsWith('file '));
    assert.deepEqual(violation, {
      namespace,
      kind: 'Deployment',
      name: 'reader',
      container: 'agent',
      source: 'file /etc/agent/config.yaml, setting base_url (configmap llm-files/config.yaml)',
      endpoint: 'https://api.openai.com/v1',
      region: 'us',
    });

    // Admission reads ConfigMaps through a cache of a few seconds: the edit reaches it within those.
    const refused = await eventually('the refusal of a second reader', async () => {
      const answer = await kubectlApply(['create', '--dry-run=server'], namespace, mounting('second-reader'));
      return answer.code !== 0 ? answer.stderr : undefined;
    });
    assert.match(refused, new RegExp(DENIED_BY));
    assert.ok(
      refused.includes(
        'container agent, file /etc/agent/config.yaml, setting base_url (configmap llm-files/config.yaml): https://api.openai.com/v1 → api.openai.com, region us (US)',
      ),
      refused,
    );
  });
});
