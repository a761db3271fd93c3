// The chart's life on a real API server, on a cluster of its own (it creates, changes and deletes
// CRDs, which the shared cluster's other suites depend on): every rendering passes a server-side
// dry run; deploy/install.yaml applies with kubectl and deletes cleanly; `helm install` creates the
// CRDs and the operator; `helm upgrade` with a new optional CRD field makes the API server accept it
// (CRDs are templates: docs/adr/0019-crds-as-chart-templates.md); `helm uninstall` keeps the CRDs
// and every TokenBudget, a new install adopts them, and with crds.keep=false they go.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse, stringify } from 'yaml';
import { type ClusterInfo, clusterDown, clusterUp } from '../../local-cluster/cluster.js';
import { eventually } from '../../testing/eventually.js';
import { type Kubectl, kubectlFor } from '../../testing/kubectl.js';
import { CHART_DIR, renderChartText } from '../../tools/chart-rendering.js';
import { INSTALL_MANIFEST, INSTALL_NAMESPACE } from '../../tools/install-manifest.js';
import { type Helm, helmFor, installRelease, upgradeRelease } from './chart-release.js';

const RELEASE_NAMESPACE = 'governor-system';
const GOVERNOR_CRDS = [
  'tokenbudgets',
  'agentslos',
  'dataresidencypolicies',
  'fallbackroutes',
  'modelcatalogs',
  'agentusageledgers',
  'prompttemplates',
  'evaluationgates',
].map((plural) => `crd/${plural}.governor.agents.dev`);

/** Stand-ins for the Prometheus Operator's and cert-manager's CRDs, for the dry run of every option. */
function foreignCrd(group: string, kind: string, plural: string) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.${group}` },
    spec: {
      group,
      names: { kind, plural, singular: kind.toLowerCase(), listKind: `${kind}List` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
        },
      ],
    },
  };
}

function tokenBudget(name: string, extra: Record<string, unknown> = {}) {
  return stringify({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'TokenBudget',
    metadata: { name, namespace: 'budgets' },
    spec: {
      agentSelector: { matchLabels: { team: 'marketing' } },
      period: { reset: 'Daily', timeZone: 'UTC' },
      limits: { tokens: 1000, currency: 'USD' },
      ...extra,
    },
  });
}

describe('chart lifecycle: dry run, kubectl apply, helm install, upgrade, uninstall', {
  timeout: 900_000,
}, () => {
  let dir: string;
  let cluster: ClusterInfo;
  let kubectl: Kubectl;
  let helm: Helm;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-chart-'));
    cluster = await clusterUp({ dir: join(dir, 'cluster'), ownerPid: process.pid, removeDirWithOwner: true });
    kubectl = kubectlFor(cluster.kubectl, cluster.kubeconfig);
    helm = helmFor(cluster.kubeconfig, dir);
  });
  after(async () => {
    if (cluster) await clusterDown({ dir: cluster.dir });
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const waitEstablished = (names: string[]) =>
    kubectl(['wait', '--for=condition=Established', '--timeout=60s', ...names], { check: true });
  /**
   * Waits until each of the project's kinds is served from the API server's watch cache (a list at
   * resourceVersion 0 answers). A CRD deleted while its cache is still starting keeps the finalizer's
   * instance list failing with "storage is (re)initializing", retried with a growing back-off: the
   * delete then took up to five minutes.
   */
  const waitServedFromCache = async () => {
    const listed = await kubectl(
      ['get', 'crd', '-o', 'jsonpath={range .items[*]}{.spec.group}/{.spec.names.plural}{"\\n"}{end}'],
      {
        check: true,
      },
    );
    const plurals = listed.stdout
      .split('\n')
      .filter((line) => line.startsWith('governor.agents.dev/'))
      .map((line) => line.slice('governor.agents.dev/'.length));
    for (const plural of plurals) {
      await eventually(
        `${plural} answer a list from the watch cache`,
        async () => {
          const answered = await kubectl([
            'get',
            '--raw',
            `/apis/governor.agents.dev/v1alpha1/${plural}?resourceVersion=0&limit=1`,
          ]);
          return answered.code === 0 ? true : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 250 },
      );
    }
  };

  it('passes a server-side dry run for the defaults and every ci/ values file', async () => {
    const foreign = [
      foreignCrd('monitoring.coreos.com', 'ServiceMonitor', 'servicemonitors'),
      foreignCrd('monitoring.coreos.com', 'PodMonitor', 'podmonitors'),
      foreignCrd('monitoring.coreos.com', 'PrometheusRule', 'prometheusrules'),
      foreignCrd('cert-manager.io', 'Certificate', 'certificates'),
      foreignCrd('cert-manager.io', 'Issuer', 'issuers'),
    ];
    await kubectl(['apply', '-f', '-'], {
      input: foreign.map((c) => stringify(c)).join('---\n'),
      check: true,
    });
    await waitEstablished(foreign.map((c) => `crd/${c.metadata.name}`));
    await kubectl(['create', 'namespace', INSTALL_NAMESPACE], { check: true });
    for (const valuesFiles of [
      [],
      ['ci/all-features-values.yaml'],
      ['ci/cert-manager-issuer-values.yaml'],
      ['ci/out-of-cluster-values.yaml'],
    ]) {
      const rendered = await renderChartText({ namespace: INSTALL_NAMESPACE, valuesFiles });
      const dryRun = await kubectl(['apply', '--dry-run=server', '-f', '-'], { input: rendered });
      assert.equal(dryRun.code, 0, `${valuesFiles.join(' ') || 'defaults'}: ${dryRun.stderr}`);
      assert.match(dryRun.stdout, /deployment\.apps\/agent-governor created \(server dry run\)/);
    }
    const nothing = await kubectl(['get', 'crd', '-o', 'name']);
    assert.doesNotMatch(nothing.stdout, /governor\.agents\.dev/, 'a dry run creates nothing');
  });

  it('applies deploy/install.yaml with kubectl (Namespace, CRDs, operator) and deletes it cleanly', async () => {
    const applied = await kubectl(['apply', '-f', INSTALL_MANIFEST], { check: true, timeoutMs: 120_000 });
    assert.match(
      applied.stdout,
      /customresourcedefinition\.apiextensions\.k8s\.io\/tokenbudgets\.governor\.agents\.dev created/,
    );
    assert.match(
      applied.stdout,
      /validatingwebhookconfiguration\.admissionregistration\.k8s\.io\/agent-governor-validating created/,
    );
    await waitEstablished(GOVERNOR_CRDS);
    const deployment = JSON.parse(
      (
        await kubectl(['get', 'deployment', 'agent-governor', '-n', INSTALL_NAMESPACE, '-o', 'json'], {
          check: true,
        })
      ).stdout,
    );
    assert.equal(deployment.spec.replicas, 2);
    assert.equal(deployment.spec.template.spec.serviceAccountName, 'agent-governor');
    await waitServedFromCache();
    // A CRD goes only after the API server's finalizer has removed its instances and released its
    // storage; on a loaded machine this took over two minutes once, so the wait is long and a
    // timeout says which CRD held on and in which condition.
    const deleted = await kubectl(['delete', '-f', INSTALL_MANIFEST, '--wait=true', '--timeout=300s'], {
      timeoutMs: 330_000,
    });
    if (deleted.code !== 0) {
      const conditions = await kubectl([
        'get',
        'crd',
        '-o',
        'jsonpath={range .items[*]}{.metadata.name}: {.status.conditions}{"\\n"}{end}',
      ]);
      assert.fail(`kubectl delete -f install.yaml: ${deleted.stderr}\n${conditions.stdout}`);
    }
    const left = await kubectl(['get', 'clusterrole,validatingwebhookconfiguration,crd', '-o', 'name']);
    assert.doesNotMatch(left.stdout, /agent-governor|governor\.agents\.dev/);
  });

  it('installs with helm: CRDs, RBAC, the operator; NOTES say how to check it', async () => {
    const installed = await installRelease(helm, { namespace: RELEASE_NAMESPACE });
    assert.match(installed.stdout, /STATUS: deployed/);
    assert.match(
      installed.stdout,
      new RegExp(`kubectl -n ${RELEASE_NAMESPACE} rollout status deployment/agent-governor`),
    );
    assert.match(installed.stdout, /`helm uninstall` keeps them/);
    await waitEstablished(GOVERNOR_CRDS);
    for (const object of [
      'clusterrole/agent-governor-operator',
      'validatingwebhookconfiguration/agent-governor-validating',
    ]) {
      await kubectl(['get', object], { check: true });
    }
    await kubectl(
      ['get', 'deployment/agent-governor', 'service/agent-governor-webhook', '-n', RELEASE_NAMESPACE],
      {
        check: true,
      },
    );
    await kubectl(['create', 'namespace', 'budgets'], { check: true });
    await kubectl(['apply', '-f', '-'], { input: tokenBudget('keep-me'), check: true });
    const unknown = await kubectl(['apply', '-f', '-'], {
      input: tokenBudget('owned', { owner: 'platform-team' }),
    });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown field "spec\.owner"/);
  });

  it('upgrades the CRDs with the release: a new optional field is accepted after `helm upgrade`', async () => {
    const copy = join(dir, 'chart-next');
    cpSync(CHART_DIR, copy, { recursive: true });
    const crdFile = join(copy, 'files', 'crds', 'governor.agents.dev_tokenbudgets.yaml');
    const crd = parse(readFileSync(crdFile, 'utf8'));
    crd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.owner = {
      type: 'string',
      maxLength: 63,
      description: 'Team that owns the budget (added in the next chart version).',
    };
    writeFileSync(crdFile, stringify(crd));
    const chartYaml = join(copy, 'Chart.yaml');
    writeFileSync(chartYaml, readFileSync(chartYaml, 'utf8').replace(/^version: .*$/m, 'version: 0.1.1'));
    const upgraded = await upgradeRelease(helm, { namespace: RELEASE_NAMESPACE, chartDir: copy });
    assert.match(upgraded.stdout, /REVISION: 2/);
    await kubectl(['apply', '-f', '-'], {
      input: tokenBudget('owned', { owner: 'platform-team' }),
      check: true,
    });
    const owner = await kubectl(
      ['get', 'tokenbudget', 'owned', '-n', 'budgets', '-o', 'jsonpath={.spec.owner}'],
      {
        check: true,
      },
    );
    assert.equal(owner.stdout, 'platform-team');
    const labels = await kubectl(
      ['get', 'crd', 'tokenbudgets.governor.agents.dev', '-o', 'jsonpath={.metadata.labels.helm\\.sh/chart}'],
      { check: true },
    );
    assert.equal(labels.stdout, 'agent-governor-0.1.1');
  });

  it('uninstalls the operator but keeps the CRDs and every TokenBudget (resource-policy keep)', async () => {
    const removed = await helm(
      ['uninstall', 'agent-governor', '--namespace', RELEASE_NAMESPACE, '--wait', '--timeout', '2m'],
      {
        check: true,
      },
    );
    assert.match(removed.stdout, /These resources were kept due to the resource policy:/);
    assert.match(removed.stdout, /\[CustomResourceDefinition\] tokenbudgets\.governor\.agents\.dev/);
    await waitEstablished(GOVERNOR_CRDS);
    const budgets = await kubectl(['get', 'tokenbudgets', '-n', 'budgets', '-o', 'name'], { check: true });
    assert.deepEqual(budgets.stdout.trim().split('\n').sort(), [
      'tokenbudget.governor.agents.dev/keep-me',
      'tokenbudget.governor.agents.dev/owned',
    ]);
    const left = await kubectl([
      'get',
      'clusterrole,clusterrolebinding,validatingwebhookconfiguration,mutatingwebhookconfiguration',
      '-o',
      'name',
    ]);
    assert.doesNotMatch(left.stdout, /agent-governor/);
  });

  it('adopts the kept CRDs on a new install; with crds.keep=false an uninstall removes them', async () => {
    await installRelease(helm, { namespace: RELEASE_NAMESPACE });
    await upgradeRelease(helm, { namespace: RELEASE_NAMESPACE, values: { crds: { keep: false } } });
    const annotations = await kubectl(
      ['get', 'crd', 'tokenbudgets.governor.agents.dev', '-o', 'jsonpath={.metadata.annotations}'],
      {
        check: true,
      },
    );
    assert.doesNotMatch(annotations.stdout, /resource-policy/);
    await helm(
      ['uninstall', 'agent-governor', '--namespace', RELEASE_NAMESPACE, '--wait', '--timeout', '2m'],
      { check: true },
    );
    await kubectl(['wait', '--for=delete', '--timeout=60s', ...GOVERNOR_CRDS], {
      check: true,
      timeoutMs: 90_000,
    });
    const crds = await kubectl(['get', 'crd', '-o', 'name']);
    assert.doesNotMatch(crds.stdout, /governor\.agents\.dev/);
  });
});
