// Residency validation through the real API server: workloads of every kind created with kubectl
// and refused or admitted; the residency table (webhooks/residency/testdata) replayed row by row
// with server-side dry-runs, each in a namespace of its own; an ephemeral container added with
// `kubectl debug` refused; an LLM endpoint at `<service>.<namespace>` admitted once the namespace
// exists; a pre-existing violation warned about, not refused, on update; Warn-mode
// warnings printed by kubectl; and a dry-run that changes nothing. Rows with Services (ExternalName,
// selector-less with an EndpointSlice) and mounted ConfigMaps get them created first, so the
// operator's caches see what the unit table's in-memory view holds.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dataResidencyPolicies } from '../../agents/governor-resources.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { deployments, namespaces } from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import type { KubectlResult } from '../../testing/kubectl.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { WORKLOAD_KIND_CASES } from '../../webhooks/residency/testdata/cases-workload-kinds.js';
import {
  agentEnv,
  CASE_NAMESPACE,
  policy,
  workload,
} from '../../webhooks/residency/testdata/residency-case.js';
import { RESIDENCY_CASES, type ResidencyCase } from '../../webhooks/residency/testdata/residency-cases.js';
import { DEFAULT_EXEMPT_NAMESPACES } from '../../webhooks/testdata/in-memory-cluster-view.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from './admission-operator.js';

const POLICY_PREFIX = 'residency-case-';
// Before the operator labels a namespace newly under an Enforce policy, the fail-open entry judges it alike.
const DENIED_BY = 'admission webhook "residency(-fail-open)?\\.governor\\.agents\\.dev" denied the request';
const EXEMPT: Record<string, (operator: AdmissionOperator) => string> = {
  [DEFAULT_EXEMPT_NAMESPACES[0]]: (operator) => operator.namespace,
  'kube-system': () => 'kube-system',
};

describe('residency validation (validating webhook, real API server)', { timeout: 600_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('adm-res-op');
  const made: string[] = [operatorNamespace];
  let appliedPolicies = '';

  const apply = (args: string[], manifest: unknown) =>
    cluster.kubectl([...args, '-f', '-'], { input: JSON.stringify(manifest) });

  /** Exactly these policies exist, and the operator's caches have them (the controller wrote status). */
  async function usePolicies(policies: unknown[]): Promise<void> {
    const key = JSON.stringify(policies);
    if (key === appliedPolicies) return;
    const wanted = new Set(policies.map((p) => (p as { metadata: { name: string } }).metadata.name));
    for (const existing of await client.list(dataResidencyPolicies)) {
      const name = existing.metadata?.name ?? '';
      if (name.startsWith(POLICY_PREFIX) && !wanted.has(name))
        await client.delete(dataResidencyPolicies, { name });
    }
    for (const manifest of policies) {
      await apply(['apply', '--server-side', '--force-conflicts'], manifest).then(check);
      const name = (manifest as { metadata: { name: string } }).metadata.name;
      await eventually(`policy ${name} seen by the operator`, async () => {
        const stored = await client.get(dataResidencyPolicies, { name });
        return stored?.status?.observedGeneration === stored?.metadata?.generation ? true : undefined;
      });
    }
    appliedPolicies = key;
  }

  /**
   * A namespace of its own for a row, with the row's ConfigMaps and routes — created before the
   * namespace gets the row's labels, since the governor-objects webhook refuses a route whose target
   * a policy of the namespace forbids (a workload can then be judged on such a route).
   */
  async function namespaceFor(
    row: Pick<ResidencyCase, 'namespaceLabels' | 'configMaps' | 'routes' | 'services'> & {
      namespace?: string;
    },
  ): Promise<string> {
    // A row whose hosts spell out its namespace is replayed in a namespace of that name.
    const own = row.namespace !== undefined && row.namespace !== CASE_NAMESPACE;
    const namespace = own ? (row.namespace as string) : uniqueName('adm-res');
    if (!made.includes(namespace)) made.push(namespace);
    if (!own || !(await client.get(namespaces, { name: namespace })))
      await createNamespace(client, namespace);
    for (const configMap of row.configMaps ?? []) {
      await apply(['apply', '-n', namespace], { apiVersion: 'v1', kind: 'ConfigMap', ...configMap }).then(
        check,
      );
    }
    // Services (and the EndpointSlices of those without selector) a row's hosts name.
    for (const manifest of row.services ?? []) await apply(['apply', '-n', namespace], manifest).then(check);
    for (const route of row.routes ?? []) await apply(['apply', '-n', namespace], route).then(check);
    await client.patch(
      namespaces,
      { name: namespace },
      { type: 'merge', body: { metadata: { labels: row.namespaceLabels } } },
    );
    return namespace;
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

  it('refuses and admits workloads of every kind created with kubectl', async () => {
    for (const row of WORKLOAD_KIND_CASES) {
      await usePolicies(row.policies);
      const namespace = await namespaceFor(row);
      const result = await eventually(`${row.name}: the expected answer`, async () => {
        const answer = await apply(['create', '-n', namespace], row.object);
        return matches(row, answer) ? answer : undefined;
      });
      if (row.expect === 'allowed') {
        const listed = await cluster.kubectl([
          'get',
          row.kind.toLowerCase(),
          row.object.metadata.name,
          '-n',
          namespace,
        ]);
        assert.equal(listed.code, 0, `${row.name}: not created: ${listed.stderr}`);
      } else {
        assertMentions(row, result);
      }
    }
  });

  const replayed = RESIDENCY_CASES.filter(
    (row) => (row.operation ?? 'CREATE') === 'CREATE' && !row.subResource,
  );

  it(`replays ${replayed.length} rows of the residency table as server-side dry-runs`, async (t) => {
    assert.ok(replayed.length >= 35, `only ${replayed.length} rows to replay`);
    // Rows with the same policies one after the other: fewer policy changes to wait for.
    const byPolicies = [...replayed].sort((a, b) =>
      JSON.stringify(a.policies).localeCompare(JSON.stringify(b.policies)),
    );
    const failures: string[] = [];
    const unbuildable: string[] = [];
    for (const row of byPolicies) {
      await usePolicies(row.policies);
      let namespace: string;
      try {
        // The exempt namespaces are replayed in the real ones (the operator's own, kube-system).
        const exempt = EXEMPT[row.namespace];
        namespace = exempt ? exempt(operator) : await namespaceFor(row);
      } catch (err) {
        // A row whose surroundings the cluster refuses (two routes claiming one model are refused by
        // the governor-objects webhook) cannot happen through admission; the unit table covers it.
        unbuildable.push(`${row.name}: ${(err as Error).message}`);
        continue;
      }
      try {
        const answer = await eventually(
          `${row.name}: the expected answer`,
          async () => {
            const result = await apply(['create', '--dry-run=server', '-n', namespace], row.object);
            return matches(row, result) ? result : undefined;
          },
          { timeoutMs: 10_000, intervalMs: 250 },
        );
        assertMentions(row, answer);
      } catch (err) {
        failures.push(`${row.name}: ${(err as Error).message}`);
      }
    }
    for (const line of unbuildable) t.diagnostic(`not replayable: ${line}`);
    assert.ok(
      unbuildable.length <= 3,
      `${unbuildable.length} rows could not be set up:\n${unbuildable.join('\n')}`,
    );
    assert.deepEqual(failures, []);
  });

  it('admits an LLM endpoint naming a Service as <service>.<namespace> once that namespace exists', async () => {
    await usePolicies([policy('eu-only')]);
    const namespace = await namespaceFor({ namespaceLabels: { 'residency-case': 'eu' } });
    const gateways = uniqueName('adm-res-gw');
    const manifest = workload(
      'Deployment',
      'gateway-user',
      agentEnv({
        AZURE_OPENAI_ENDPOINT: `http://llm-gateway.${gateways}:8080`,
        OTEL_EXPORTER_OTLP_ENDPOINT: `HTTP://Otel-Collector.${gateways.toUpperCase()}.:4318`,
      }),
    );
    // No such namespace yet: an unknown two-label host, refused like any other.
    const refused = await apply(['create', '--dry-run=server', '-n', namespace], manifest);
    assert.notEqual(refused.code, 0, 'admitted before the namespace existed');
    assert.match(refused.stderr, new RegExp(DENIED_BY));
    assert.ok(
      refused.stderr.includes(
        `llm-gateway.${gateways}, region unknown (not a Service: no namespace ${gateways})`,
      ),
      refused.stderr,
    );
    made.push(gateways);
    await createNamespace(client, gateways);
    const created = await eventually('admitted once the namespace exists', async () => {
      const answer = await apply(['create', '-n', namespace], manifest);
      return answer.code === 0 ? answer : undefined;
    });
    assert.doesNotMatch(created.stderr, /Warning:/);
  });

  it('refuses an ephemeral container added with kubectl debug, naming it', async () => {
    const eu = policy('eu-only');
    await usePolicies([eu]);
    const namespace = await namespaceFor({ namespaceLabels: { 'residency-case': 'eu' } });
    const pod = workload('Pod', 'debugged', agentEnv({ OPENAI_BASE_URL: 'https://eu.api.openai.com/v1' }));
    await eventually('the EU pod admitted', async () =>
      (await apply(['create', '-n', namespace], pod)).code === 0 ? true : undefined,
    );
    const debug = (container: string, url: string) =>
      cluster.kubectl([
        'debug',
        'pod/debugged',
        '-n',
        namespace,
        '--image=busybox',
        `--container=${container}`,
        '--attach=false',
        `--env=OPENAI_BASE_URL=${url}`,
      ]);
    const refused = await debug('probe', 'https://api.openai.com/v1');
    assert.notEqual(refused.code, 0, 'the ephemeral container was admitted');
    assert.match(refused.stderr, new RegExp(DENIED_BY));
    assert.match(refused.stderr, /container probe, env OPENAI_BASE_URL: https:\/\/api\.openai\.com\/v1/);
    const allowed = await debug('probe-eu', 'https://eu.api.openai.com/v1');
    assert.equal(allowed.code, 0, allowed.stderr);
  });

  it('warns about a violation that predates the policy on update, and refuses one the update adds', async () => {
    const namespace = uniqueName('adm-res-legacy');
    made.push(namespace);
    await createNamespace(client, namespace);
    const us = 'https://api.openai.com/v1';
    const legacy = (env: Record<string, string>) => workload('Deployment', 'legacy', agentEnv(env));
    await apply(['create', '-n', namespace], legacy({ OPENAI_BASE_URL: us })).then(check);
    await usePolicies([policy('eu-only')]);
    await cluster.kubectl(['label', 'namespace', namespace, 'residency-case=eu'], { check: true });
    const touched = legacy({ OPENAI_BASE_URL: us, LOG_LEVEL: 'debug' });
    const update = await eventually('the update judged under the new label', async () => {
      const result = await apply(['replace', '-n', namespace], touched);
      return result.code === 0 && /Warning:/.test(result.stderr) ? result : undefined;
    });
    assert.match(update.stderr, /api\.openai\.com/);
    const worse = legacy({ OPENAI_BASE_URL: us, ANTHROPIC_BASE_URL: 'https://api.anthropic.com' });
    const refused = await apply(['replace', '-n', namespace], worse);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /ANTHROPIC_BASE_URL/);
  });

  it('prints Warn-mode findings as kubectl warnings and admits the workload', async () => {
    await usePolicies([policy('eu-warn', { mode: 'Warn' })]);
    const namespace = await namespaceFor({ namespaceLabels: { 'residency-case': 'eu' } });
    const manifest = workload(
      'Deployment',
      'warned',
      agentEnv({ OPENAI_BASE_URL: 'https://api.openai.com/v1' }),
    );
    const result = await eventually('the warning', async () => {
      const answer = await apply(['apply', '--dry-run=server', '-n', namespace], manifest);
      return answer.code === 0 && /Warning:.*api\.openai\.com/.test(answer.stderr) ? answer : undefined;
    });
    assert.match(result.stderr, /residency-case-eu-warn/);
    const created = await apply(['apply', '-n', namespace], manifest);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /Warning:/);
  });

  it('has no side effects on a dry-run: nothing is created, the Audit policy’s status does not move', async () => {
    await usePolicies([policy('eu-audit', { mode: 'Audit' })]);
    const namespace = await namespaceFor({ namespaceLabels: { 'residency-case': 'eu' } });
    const before = await client.get(dataResidencyPolicies, { name: 'residency-case-eu-audit' });
    const manifest = workload(
      'Deployment',
      'audited',
      agentEnv({ OPENAI_BASE_URL: 'https://api.openai.com/v1' }),
    );
    const result = await apply(['apply', '--dry-run=server', '-n', namespace], manifest);
    assert.equal(result.code, 0, result.stderr);
    await new Promise((r) => setTimeout(r, 1_000));
    assert.equal(await client.get(deployments, { namespace, name: 'audited' }), undefined);
    const afterwards = await client.get(dataResidencyPolicies, { name: 'residency-case-eu-audit' });
    assert.deepEqual(afterwards?.status?.violations ?? [], before?.status?.violations ?? []);
    assert.equal(afterwards?.metadata?.resourceVersion, before?.metadata?.resourceVersion);
  });

  it('never judges the operator’s own namespace', async () => {
    await usePolicies([policy('everywhere', { selects: {} })]);
    const manifest = workload('Pod', 'exempt', agentEnv({ OPENAI_BASE_URL: 'https://api.openai.com/v1' }));
    const result = await apply(['create', '--dry-run=server', '-n', operator.namespace], manifest);
    assert.equal(result.code, 0, result.stderr);
    assert.doesNotMatch(result.stderr, /Warning:/);
  });
});

function check(result: KubectlResult): void {
  if (result.code !== 0) throw new Error(`kubectl failed: ${result.stderr.trim()}`);
}

/** Whether kubectl's answer is what the row expects. */
function matches(row: ResidencyCase, result: KubectlResult): boolean {
  const warned = /^Warning: /m.test(result.stderr);
  switch (row.expect) {
    case 'denied':
      return result.code !== 0 && new RegExp(DENIED_BY).test(result.stderr);
    case 'warned':
      return result.code === 0 && warned;
    case 'allowed':
    case 'audited':
      return result.code === 0 && !warned;
  }
}

function assertMentions(row: ResidencyCase, result: KubectlResult): void {
  for (const text of row.mentions ?? []) {
    if (row.expect === 'audited') continue; // in the audit annotation, which kubectl does not show
    assert.ok(
      result.stderr.includes(text),
      `${row.name}: "${text}" missing from kubectl's output:\n${result.stderr}`,
    );
  }
}
