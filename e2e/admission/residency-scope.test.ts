// The residency webhooks follow the live policies, through the real API server and the operator
// (docs/adr/0037-admission-scope-follows-the-policies.md). Running, the operator labels the
// namespaces a new Enforce policy selects `governor.agents.dev/residency=enforce` (with an Event),
// those under only Warn / Audit policies `observe`, a namespace created later at first sight, and a
// workload in a namespace whose label has not landed yet is still judged. Stopped, only the
// namespaces under an Enforce policy refuse workloads (fail closed); a namespace under only Warn /
// Audit policies and one under none admit them.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { namespaces } from '../../runtime/kube/resources.js';
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

const RESIDENCY = 'governor.agents.dev/residency';
const US_ENDPOINT = 'https://api.openai.com/v1';
const EU_ENDPOINT = 'https://eu.api.openai.com/v1';

function pod(name: string, endpoint = EU_ENDPOINT) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name } },
    spec: {
      containers: [
        { name: 'app', image: 'registry.example/app:1', env: [{ name: 'OPENAI_BASE_URL', value: endpoint }] },
      ],
    },
  };
}

describe('residency webhooks follow the policies (real API server)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator | undefined;
  const suite = uniqueName('adm-scope');
  const operatorNamespace = `${suite}-op`;
  const enforced = `${suite}-enforce`;
  const observed = `${suite}-warn`;
  const ungoverned = `${suite}-none`;
  const late = `${suite}-late`;
  const racing = `${suite}-race`;
  const policyPrefix = `${suite}-`;

  const create = (manifest: unknown, namespace: string, dryRun = false) =>
    cluster.kubectl(['create', ...(dryRun ? ['--dry-run=server'] : []), '-n', namespace, '-f', '-'], {
      input: JSON.stringify(manifest),
    });
  const labelOf = async (namespace: string) =>
    (await client.get(namespaces, { name: namespace }))?.metadata?.labels?.[RESIDENCY];
  const policy = (name: string, mode: string, scope: string) => ({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'DataResidencyPolicy',
    metadata: { name: `${policyPrefix}${name}` },
    spec: {
      mode,
      namespaceSelector: { matchLabels: { [suite]: scope } },
      allowedJurisdictions: ['EU'],
    },
  });

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, enforced, { [suite]: 'enforce' });
    await createNamespace(client, observed, { [suite]: 'observe' });
    await createNamespace(client, ungoverned);
  });

  after(async () => {
    await operator?.process.stop();
    if (client) {
      await cleanUpAdmission(client, {
        namespaces: [operatorNamespace, enforced, observed, ungoverned, late, racing],
        policyPrefix,
      });
    }
    await close?.();
  });

  it('running: a new Enforce policy governs its namespaces, also one created after it', async (t) => {
    operator = await startAdmissionOperator(cluster, operatorNamespace);
    await eventually(
      'the webhooks answering',
      async () => ((await create(pod('probe'), ungoverned, true)).code === 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 250 },
    );
    assert.equal(await labelOf(enforced), undefined, 'labelled before any policy');

    const policiesCreated = Date.now();
    for (const manifest of [
      policy('eu-enforce', 'Enforce', 'enforce'),
      policy('eu-warn', 'Warn', 'observe'),
      policy('eu-audit', 'Audit', 'observe'),
    ]) {
      await cluster.kubectl(['create', '-f', '-'], { input: JSON.stringify(manifest), check: true });
    }
    // The gap: a namespace the Enforce policy selects, used before its label can have landed. The
    // fail-open entry judges it like the other one, so the operator running still refuses.
    await createNamespace(client, racing, { [suite]: 'enforce' });
    const inTheGap = await create(pod('us-in-gap', US_ENDPOINT), racing, true);
    assert.notEqual(inTheGap.code, 0, 'a US endpoint was admitted under an Enforce policy');
    assert.match(inTheGap.stderr, /admission webhook "residency(-fail-open)?\.governor\.agents\.dev" denied/);

    await eventually('the namespaces labelled as the policies say', async () =>
      (await labelOf(enforced)) === 'enforce' &&
      (await labelOf(observed)) === 'observe' &&
      (await labelOf(racing)) === 'enforce'
        ? true
        : undefined,
    );
    t.diagnostic(
      `policies created → namespaces labelled: ${Date.now() - policiesCreated} ms (3 policies, 3 namespaces, kubectl included)`,
    );
    assert.equal(await labelOf(ungoverned), undefined);
    const lateCreated = Date.now();
    await createNamespace(client, late, { [suite]: 'enforce' });
    await eventually(
      'a namespace created after the policy labelled',
      async () => ((await labelOf(late)) === 'enforce' ? true : undefined),
      { intervalMs: 10 },
    );
    t.diagnostic(`namespace created → labelled enforce: ${Date.now() - lateCreated} ms`);

    const refused = await create(pod('us', US_ENDPOINT), enforced);
    assert.notEqual(refused.code, 0, 'a US endpoint was admitted under an Enforce policy');
    assert.match(refused.stderr, /admission webhook "residency\.governor\.agents\.dev" denied the request/);
    assert.match(refused.stderr, new RegExp(`${policyPrefix}eu-enforce`));
    const warned = await create(pod('us', US_ENDPOINT), observed);
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(warned.stderr, /^Warning: /m);

    // Each label change is an Event on the Namespace, naming the policy.
    const events = await eventually('the ResidencyEnforced Event', async () => {
      const listed = await cluster.kubectl(['get', 'events.events.k8s.io', '-n', 'default', '-o', 'json']);
      const items = (JSON.parse(listed.stdout || '{"items":[]}').items ?? []) as Array<{
        reason?: string;
        note?: string;
        regarding?: { kind?: string; name?: string };
      }>;
      const mine = items.filter((e) => e.regarding?.kind === 'Namespace' && e.regarding.name === enforced);
      return mine.some((e) => e.reason === 'ResidencyEnforced') ? mine : undefined;
    });
    assert.match(events.find((e) => e.reason === 'ResidencyEnforced')?.note ?? '', /eu-enforce/);

    const code = await operator.process.stop('SIGTERM');
    operator = undefined;
    assert.equal(code, 0);
  });

  it('stopped: only the namespaces under an Enforce policy fail closed', async () => {
    for (const namespace of [enforced, late]) {
      const refused = await create(pod('eu-while-away'), namespace);
      assert.notEqual(refused.code, 0, `${namespace}: admitted with no webhook answering`);
      assert.match(refused.stderr, /failed calling webhook "residency\.governor\.agents\.dev"/);
    }
    // Warn / Audit only, and no policy: admitted — with nobody to warn or audit them until it is back.
    for (const namespace of [observed, ungoverned]) {
      const admitted = await create(pod('eu-while-away'), namespace);
      assert.equal(admitted.code, 0, `${namespace}: blocked while the operator is away\n${admitted.stderr}`);
      const deployment = await cluster.kubectl([
        'create',
        'deployment',
        'shop',
        '--image=registry.example/shop:1',
        '-n',
        namespace,
      ]);
      assert.equal(deployment.code, 0, deployment.stderr);
    }
  });
});
