// The chart's `services:` (docs/services-replicas.md, docs/adr/0061), as helm renders it: off by
// default (nothing of it rendered, the operator serves the sidecars); on, a Deployment starting
// `agent-governor services` with flags the CLI accepts, its own Service, ServiceAccount and least
// RBAC, HPA and PDB on its own pods only, the certificate without the CA's key, the operator told
// it does not serve and the injected sidecars pointed at the services' Service, and usage ingested
// into the operator's usage store.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { REPO_ROOT } from '../../testing/repo-files.js';
import {
  CHART_DIR,
  findObject,
  type Manifest,
  renderChart,
  renderChartText,
} from '../../tools/chart-rendering.js';
import { gitopsTools, runTool } from '../../tools/gitops-tools.js';

const NS = 'governor-services';
const SERVICES = 'agent-governor-services';
const ENABLED = {
  services: {
    enabled: true,
    maxLongPollWaiters: 4000,
    autoscaling: { enabled: true, minReplicas: 3, maxReplicas: 12, targetCPUUtilizationPercentage: 60 },
  },
};

function commandFlags(command: string): Set<string> {
  const help = execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'agent-governor.mjs'), command, '--help'],
    {
      encoding: 'utf8',
    },
  );
  return new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

const containerOf = (objects: Manifest[], name: string) =>
  findObject(objects, 'Deployment', name).spec.template.spec.containers[0];

const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);

describe('the chart with services replicas', { timeout: 300_000 }, () => {
  let defaults: Manifest[];
  let enabled: Manifest[];

  before(async () => {
    gitopsTools();
    defaults = await renderChart({ namespace: NS });
    enabled = await renderChart({ namespace: NS, values: ENABLED });
  });

  it('renders nothing of them by default: the operator serves the sidecars', () => {
    assert.deepEqual(
      defaults.filter((o) => o['metadata']?.name === SERVICES).map((o) => o['kind']),
      [],
    );
    const args: string[] = containerOf(defaults, 'agent-governor').args;
    assert.ok(!args.includes('--sidecar-services-external'));
    assert.ok(args.includes(`--sidecar-operator-url=https://agent-governor.${NS}.svc:8443`), args.join(' '));
  });

  it('passes helm lint --strict with services on, and refuses a bad services value naming it', async () => {
    const { helm } = gitopsTools();
    const lint = await runTool(helm, ['lint', '--strict', CHART_DIR, '--values', '-'], {
      input: stringify(ENABLED),
    });
    assert.equal(lint.code, 0, `${lint.stdout}${lint.stderr}`);
    assert.doesNotMatch(lint.stdout, /\[(WARNING|ERROR|INFO)\]/, lint.stdout);
    await assert.rejects(renderChartText({ values: { services: { replicas: 0 } } }), /\/services\/replicas/);
    await assert.rejects(
      renderChartText({ values: { services: { maxLongPolWaiters: 5 } } }),
      /\/services.*additional properties 'maxLongPolWaiters' not allowed/,
    );
  });

  it('starts `agent-governor services` with flags the CLI accepts, and the operator not serving', () => {
    const known = commandFlags('services');
    const services = containerOf(enabled, SERVICES);
    assert.equal(services.args[0], 'services');
    for (const arg of services.args.slice(1))
      assert.ok(known.has(arg.split('=')[0]), `${arg}: not a services flag`);
    assert.ok(services.args.includes('--max-long-poll-waiters=4000'));
    assert.ok(services.args.includes('--cert-dir=/var/run/agent-governor/sidecar-services-tls'));
    const operator: string[] = containerOf(enabled, 'agent-governor').args;
    assert.ok(operator.includes('--sidecar-services-external'));
    assert.ok(
      operator.includes(`--sidecar-operator-url=https://${SERVICES}.${NS}.svc:8443`),
      operator.join(' '),
    );
  });

  it('selects its own pods only: the operator Service and PDB never reach them, nor theirs the operator', () => {
    const servicesPods = findObject(enabled, 'Deployment', SERVICES).spec.template.metadata.labels;
    const operatorPods = findObject(enabled, 'Deployment', 'agent-governor').spec.template.metadata.labels;
    for (const name of ['agent-governor', SERVICES]) {
      const service = findObject(enabled, 'Service', name).spec.selector;
      const pdb = findObject(enabled, 'PodDisruptionBudget', name).spec.selector.matchLabels;
      const own = name === SERVICES ? servicesPods : operatorPods;
      const other = name === SERVICES ? operatorPods : servicesPods;
      assert.ok(matches(service, own) && matches(pdb, own), name);
      assert.ok(!matches(service, other) && !matches(pdb, other), `${name} must not select the other pods`);
    }
  });

  it('scales by an HPA on CPU, without a fixed replica count', () => {
    const hpa = findObject(enabled, 'HorizontalPodAutoscaler', SERVICES);
    assert.deepEqual(hpa.spec.scaleTargetRef, { apiVersion: 'apps/v1', kind: 'Deployment', name: SERVICES });
    assert.equal(hpa.spec.minReplicas, 3);
    assert.equal(hpa.spec.maxReplicas, 12);
    assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 60);
    assert.equal(findObject(enabled, 'Deployment', SERVICES).spec.replicas, undefined);
  });

  it('grants the replicas only what they use, and mounts the certificate without the CA key', () => {
    const role = findObject(enabled, 'ClusterRole', SERVICES);
    const grants = role.rules.flatMap((rule: Manifest) =>
      rule['resources'].map((resource: string) => `${resource}:${[...rule['verbs']].sort().join(',')}`),
    );
    assert.deepEqual(grants.sort(), [
      'agentusageledgers:create,get,update',
      'configmaps:list,watch',
      'cronjobs:list,watch',
      'deployments:list,watch',
      'jobs:list,watch',
      'statefulsets:list,watch',
      'tokenreviews:create',
    ]);
    const binding = findObject(enabled, 'ClusterRoleBinding', SERVICES);
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: SERVICES, namespace: NS }]);
    const pod = findObject(enabled, 'Deployment', SERVICES).spec.template.spec;
    assert.equal(pod.serviceAccountName, SERVICES);
    const tls = pod.volumes.find((v: Manifest) => v['name'] === 'sidecar-services-tls');
    assert.equal(tls.secret.secretName, 'agent-governor-sidecar-services-tls');
    assert.deepEqual(
      tls.secret.items.map((i: Manifest) => i['key']),
      ['tls.crt', 'tls.key', 'ca.crt'],
    );
  });

  it('ingest into the operator’s usage store: same --usage-store flags and Secret mounts, admitted by the bundled store', async () => {
    const redis = await renderChart({
      namespace: NS,
      values: {
        ...ENABLED,
        networkPolicy: { enabled: true },
        usageStore: {
          type: 'redis',
          redis: {
            bundled: { enabled: true },
            existingSecret: 'store-auth',
            caSecret: 'store-ca',
            tls: true,
            budgetLeaseSeconds: 12,
          },
        },
      },
    });
    const usageArgs = (args: string[]) => args.filter((a) => /^--(usage-store|redis-|budget-lease-)/.test(a));
    const services = containerOf(redis, SERVICES);
    assert.deepEqual(usageArgs(services.args), [
      '--usage-store=redis',
      `--redis-url=redis://agent-governor-usage-store.${NS}.svc:6379/0`,
      '--redis-tls=true',
      '--redis-password-file=/var/run/agent-governor/usage-store/password',
      '--redis-ca-file=/var/run/agent-governor/usage-store-ca/ca.crt',
      '--budget-lease-seconds=12',
    ]);
    assert.deepEqual(usageArgs(services.args), usageArgs(containerOf(redis, 'agent-governor').args));
    const known = commandFlags('services');
    const operatorKnows = commandFlags('operator');
    for (const arg of usageArgs(services.args)) {
      assert.ok(known.has(arg.split('=')[0] ?? arg), arg);
      assert.ok(operatorKnows.has(arg.split('=')[0] ?? arg), arg);
    }
    const mounted = (container: Manifest, pod: Manifest, name: string) => ({
      at: container['volumeMounts'].find((m: Manifest) => m['name'] === name)?.mountPath,
      secret: pod['volumes'].find((v: Manifest) => v['name'] === name)?.secret?.secretName,
    });
    const servicesPod = findObject(redis, 'Deployment', SERVICES).spec.template;
    assert.deepEqual(mounted(services, servicesPod.spec, 'usage-store-password'), {
      at: '/var/run/agent-governor/usage-store',
      secret: 'store-auth',
    });
    assert.deepEqual(mounted(services, servicesPod.spec, 'usage-store-ca'), {
      at: '/var/run/agent-governor/usage-store-ca',
      secret: 'store-ca',
    });
    const policy = findObject(redis, 'NetworkPolicy', 'agent-governor-usage-store').spec;
    const from = policy.ingress.flatMap((rule: Manifest) => rule['from']);
    assert.ok(
      from.some((peer: Manifest) => matches(peer['podSelector'].matchLabels, servicesPod.metadata.labels)),
      'the usage store must admit the services pods',
    );
    assert.deepEqual(usageArgs(containerOf(enabled, SERVICES).args), [], 'none with the API-server store');
  });

  it('serves plain HTTP with no certificate when the sidecar services do', async () => {
    const plain = await renderChart({
      namespace: NS,
      values: { ...ENABLED, sidecarServices: { insecurePlainHttp: true } },
    });
    const services = containerOf(plain, SERVICES);
    assert.ok(services.args.includes('--insecure-plain-http'));
    assert.ok(!services.args.some((a: string) => a.startsWith('--cert-dir')));
    assert.ok(
      containerOf(plain, 'agent-governor').args.includes(
        `--sidecar-operator-url=http://${SERVICES}.${NS}.svc:8443`,
      ),
    );
  });
});
