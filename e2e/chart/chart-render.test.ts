// The chart as helm renders it (no cluster): `helm lint --strict` passes for the defaults and every
// ci/ values file; values.schema.json refuses misspelt keys, wrong types and values outside an enum,
// naming the key; the operator Deployment is hardened and starts `agent-governor operator` with flags
// the real CLI accepts; RBAC holds no wildcard and reads Secrets only where documented; the webhook
// configurations are the ones the operator registers itself (webhooks/registration); the CRDs are
// the generated ones; cert-manager and an out-of-cluster URL change what they should.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { SIDECAR_SERVICES_TLS_IDENTITY } from '../../cli/sidecar-services-flags.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import {
  CHART_DIR,
  findObject,
  type Manifest,
  renderChart,
  renderChartText,
} from '../../tools/chart-rendering.js';
import { gitopsTools, runTool } from '../../tools/gitops-tools.js';
import {
  mutatingWebhookConfiguration,
  validatingWebhookConfiguration,
} from '../../webhooks/registration/webhook-configurations.js';
import {
  APPROVAL_GATE_WEBHOOK,
  APPROVALS_WEBHOOK,
  GOVERNOR_OBJECTS_WEBHOOK,
  MUTATING_CONFIGURATION,
  RESIDENCY_FAIL_OPEN_WEBHOOK,
  RESIDENCY_WEBHOOK,
  ROLLOUT_HOLD_WEBHOOK,
  SIDECAR_INJECTION_POD_WEBHOOK,
  SIDECAR_INJECTION_WEBHOOK,
  VALIDATING_CONFIGURATION,
  WEBHOOK_CONTAINER_PORT,
  WEBHOOK_SERVICE,
  WEBHOOK_SERVICE_PORT,
} from '../../webhooks/registration/webhook-names.js';
import { WEBHOOK_TLS_SECRET } from '../../webhooks/tls/webhook-tls-secret.js';

const NS = 'governor-render';
const CI_VALUES = readdirSync(join(CHART_DIR, 'ci')).map((f) => `ci/${f}`);

function operatorFlags(): Set<string> {
  const help = execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'bin', 'agent-governor.mjs'), 'operator', '--help'],
    {
      encoding: 'utf8',
    },
  );
  return new Set(help.match(/--[a-z][a-z0-9-]*/g) ?? []);
}

const container = (objects: Manifest[]) => findObject(objects, 'Deployment').spec.template.spec.containers[0];

describe('the chart, rendered', { timeout: 600_000 }, () => {
  let defaults: Manifest[];

  before(async () => {
    gitopsTools();
    defaults = await renderChart({ namespace: NS });
  });

  it('passes helm lint --strict with its defaults and every ci/ values file', async () => {
    const { helm } = gitopsTools();
    for (const values of [[], ...CI_VALUES.map((f) => ['--values', join(CHART_DIR, f)])]) {
      const lint = await runTool(helm, ['lint', '--strict', CHART_DIR, ...values]);
      assert.equal(lint.code, 0, `helm lint ${values.join(' ')}:\n${lint.stdout}${lint.stderr}`);
      assert.match(lint.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
      assert.doesNotMatch(lint.stdout, /\[(WARNING|ERROR|INFO)\]/, lint.stdout);
    }
  });

  it('refuses bad values, naming the key (values.schema.json)', async () => {
    const refused = async (values: Record<string, unknown>, message: RegExp) => {
      await assert.rejects(renderChartText({ values }), (err: Error) => {
        assert.match(err.message, message);
        return true;
      });
    };
    await refused(
      { webhook: { failurePolcy: 'Fail' } },
      /\/webhook.*additional properties 'failurePolcy' not allowed/,
    );
    await refused({ replicas: 'two' }, /\/replicas.*got string, want integer/);
    await refused(
      { webhook: { failurePolicy: 'Maybe' } },
      /\/webhook\/failurePolicy.*must be one of 'Fail', 'Ignore'/,
    );
    await refused({ webhook: { url: 'http://127.0.0.1:9443/x' } }, /\/webhook\/url/);
    await refused({ operator: { leaseName: 'Not_A_Name' } }, /\/operator\/leaseName/);
  });

  it('runs the operator hardened: non-root, read-only root, no privilege escalation, no capabilities', () => {
    const deployment = findObject(defaults, 'Deployment', 'agent-governor');
    const pod = deployment.spec.template.spec;
    assert.equal(deployment.spec.replicas, 2);
    assert.deepEqual(pod.securityContext.seccompProfile, { type: 'RuntimeDefault' });
    assert.equal(pod.securityContext.runAsNonRoot, true);
    assert.ok(pod.securityContext.runAsUser > 0);
    const c = container(defaults);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.deepEqual(c.securityContext.capabilities, { drop: ['ALL'] });
    assert.deepEqual(
      c.volumeMounts.map((m: Manifest) => m.mountPath),
      ['/tmp'],
      'the only writable path is the /tmp emptyDir',
    );
    assert.ok(pod.volumes.find((v: Manifest) => v.name === 'tmp')?.emptyDir);
    assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory);
    const env = Object.fromEntries(c.env.map((e: Manifest) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    assert.deepEqual(env, { POD_NAMESPACE: 'metadata.namespace', POD_NAME: 'metadata.name' });
  });

  it('probes /healthz and /readyz on the health port, and names every port a Service targets', () => {
    const c = container(defaults);
    const ports = Object.fromEntries(c.ports.map((p: Manifest) => [p.name, p.containerPort]));
    assert.deepEqual(ports, {
      'sidecar-svc': 8443,
      metrics: 8080,
      health: 8081,
      webhook: WEBHOOK_CONTAINER_PORT,
    });
    assert.deepEqual([c.livenessProbe.httpGet.path, c.livenessProbe.httpGet.port], ['/healthz', 'health']);
    assert.deepEqual([c.readinessProbe.httpGet.path, c.readinessProbe.httpGet.port], ['/readyz', 'health']);
    const podLabels = findObject(defaults, 'Deployment').spec.template.metadata.labels;
    for (const service of defaults.filter((o) => o['kind'] === 'Service')) {
      for (const [key, value] of Object.entries(service['spec'].selector))
        assert.equal(podLabels[key], value);
      for (const port of service['spec'].ports)
        assert.ok(port.targetPort in ports, `${port.targetPort} is a port`);
    }
    const webhookService = findObject(defaults, 'Service', WEBHOOK_SERVICE);
    assert.deepEqual(
      webhookService['spec'].ports.map((p: Manifest) => p.port),
      [WEBHOOK_SERVICE_PORT],
    );
    const sidecarService = findObject(defaults, 'Service', 'agent-governor');
    assert.ok(sidecarService['spec'].ports.some((p: Manifest) => p.port === 8443));
    const networkPolicy = findObject(defaults, 'NetworkPolicy');
    for (const rule of networkPolicy['spec'].ingress) {
      for (const port of rule.ports) assert.ok(port.port in ports, `the NetworkPolicy opens ${port.port}`);
    }
  });

  it('starts `agent-governor operator` with flags the CLI accepts, in every configuration', async () => {
    const known = operatorFlags();
    for (const valuesFiles of [[], ...CI_VALUES.map((f) => [f]), []]) {
      const objects = valuesFiles.length > 0 ? await renderChart({ namespace: NS, valuesFiles }) : defaults;
      const args: string[] = container(objects).args;
      assert.equal(args[0], 'operator');
      for (const arg of args.slice(1)) {
        const flag = arg.split('=')[0] ?? '';
        assert.ok(
          known.has(flag),
          `${arg} (${valuesFiles.join(' ') || 'defaults'}): not an \`agent-governor operator\` flag`,
        );
      }
    }
    const disabled = await renderChart({ namespace: NS, values: { webhook: { enabled: false } } });
    for (const arg of container(disabled).args.slice(1)) assert.ok(known.has(arg.split('=')[0]), arg);
  });

  it('grants no wildcard, reads Secrets only by name in its namespace and (get) for alert signing', async () => {
    const rules = (objects: Manifest[]) =>
      objects
        .filter(
          (o) =>
            ['ClusterRole', 'Role'].includes(o['kind']) && o['metadata'].name === 'agent-governor-operator',
        )
        .flatMap((o) => o['rules'].map((r: Manifest) => ({ ...r, scope: o['kind'] })));
    for (const rule of rules(defaults)) {
      for (const field of ['apiGroups', 'resources', 'verbs']) {
        assert.ok(!rule[field].includes('*'), `no wildcard ${field}: ${JSON.stringify(rule)}`);
      }
    }
    const secretRules = rules(defaults).filter((r) => r.resources.includes('secrets'));
    assert.deepEqual(
      secretRules.map((r) => `${r.scope} ${r.verbs.join(',')} ${r.resourceNames?.join(',') ?? '*'}`),
      [
        'ClusterRole get *',
        `Role get,list,watch,update ${WEBHOOK_TLS_SECRET}`,
        'Role create *',
        `Role get,list,watch,update ${SIDECAR_SERVICES_TLS_IDENTITY.secretName}`,
      ],
    );
    const leases = rules(defaults).filter((r) => r.resources.includes('leases'));
    assert.deepEqual(
      leases.map((r) => `${r.scope} ${r.verbs.join(',')} ${r.resourceNames?.join(',') ?? '*'}`),
      ['Role get,list,watch,update agent-governor-leader', 'Role create *'],
    );
    const without = await renderChart({ namespace: NS, values: { rbac: { alertSigningSecrets: false } } });
    assert.ok(
      !rules(without).some((r) => r.scope === 'ClusterRole' && r.resources.includes('secrets')),
      'rbac.alertSigningSecrets=false drops the cluster-wide Secret read',
    );
    const webhookRules = rules(defaults).filter((r) => r.apiGroups.includes('admissionregistration.k8s.io'));
    assert.deepEqual(
      webhookRules.map((r) => r.resourceNames),
      [[VALIDATING_CONFIGURATION], [MUTATING_CONFIGURATION]],
    );
  });

  it('renders the webhook configurations the operator registers itself, on the Service', () => {
    const exempt = [NS, 'kube-system'];
    const own = [
      validatingWebhookConfiguration({
        baseUrl: 'https://x',
        failurePolicy: 'Fail',
        exemptNamespaces: exempt,
      }),
      mutatingWebhookConfiguration({ baseUrl: 'https://x', failurePolicy: 'Fail', exemptNamespaces: exempt }),
    ];
    const paths: Record<string, string> = Object.fromEntries(
      [
        RESIDENCY_WEBHOOK,
        RESIDENCY_FAIL_OPEN_WEBHOOK,
        GOVERNOR_OBJECTS_WEBHOOK,
        APPROVALS_WEBHOOK,
        APPROVAL_GATE_WEBHOOK,
        SIDECAR_INJECTION_WEBHOOK,
        SIDECAR_INJECTION_POD_WEBHOOK,
        ROLLOUT_HOLD_WEBHOOK,
      ].map((w) => [w.name, w.path]),
    );
    for (const expected of own) {
      const rendered = findObject(defaults, expected.kind, expected.metadata.name);
      assert.equal(rendered['webhooks'].length, expected.webhooks.length);
      for (const webhook of expected.webhooks) {
        const chart = rendered['webhooks'].find((w: Manifest) => w.name === webhook.name);
        assert.ok(chart, `${expected.metadata.name} has webhook ${webhook.name}`);
        const { clientConfig, ...rest } = webhook as Manifest;
        const { clientConfig: chartClient, ...chartRest } = chart;
        assert.deepEqual(chartRest, rest, `${webhook.name}: same rules, selectors and policies`);
        assert.equal(clientConfig.url, `https://x${paths[webhook.name]}`);
        assert.deepEqual(chartClient, {
          service: {
            name: WEBHOOK_SERVICE,
            namespace: NS,
            path: paths[webhook.name],
            port: WEBHOOK_SERVICE_PORT,
          },
        });
      }
    }
  });

  it('points the webhooks at webhook.url for an operator outside the cluster', async () => {
    const objects = await renderChart({ namespace: NS, valuesFiles: ['ci/out-of-cluster-values.yaml'] });
    const urls = objects
      .filter((o) => String(o['kind']).endsWith('WebhookConfiguration'))
      .flatMap((o) => o['webhooks'].map((w: Manifest) => w.clientConfig));
    assert.deepEqual(urls, [
      { url: `https://127.0.0.1:9443${SIDECAR_INJECTION_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${SIDECAR_INJECTION_POD_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${ROLLOUT_HOLD_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${RESIDENCY_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${RESIDENCY_FAIL_OPEN_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${GOVERNOR_OBJECTS_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${APPROVALS_WEBHOOK.path}` },
      { url: `https://127.0.0.1:9443${APPROVAL_GATE_WEBHOOK.path}` },
    ]);
  });

  it('with cert-manager: a Certificate for the Service into the TLS Secret, the CA injected, fewer grants', async () => {
    const objects = await renderChart({ namespace: NS, valuesFiles: ['ci/all-features-values.yaml'] });
    const certificate = objects.find(
      (o) => o['kind'] === 'Certificate' && o['spec'].secretName === WEBHOOK_TLS_SECRET,
    ) as Manifest;
    assert.equal(certificate['spec'].secretName, WEBHOOK_TLS_SECRET);
    assert.deepEqual(certificate['spec'].dnsNames, [
      `${WEBHOOK_SERVICE}.${NS}.svc`,
      `${WEBHOOK_SERVICE}.${NS}.svc.cluster.local`,
    ]);
    assert.equal(certificate['spec'].issuerRef.name, findObject(objects, 'Issuer')['metadata'].name);
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      assert.equal(
        findObject(objects, kind)['metadata'].annotations['cert-manager.io/inject-ca-from'],
        `${NS}/${certificate['metadata'].name}`,
      );
    }
    assert.match(container(objects).args.join(' '), /--webhook-cert-mode=cert-manager/);
    const role = findObject(objects, 'Role');
    assert.deepEqual(
      role['rules'].filter((r: Manifest) => r.resources.includes('secrets')),
      [],
      'cert-manager writes the Secret; the operator reads the mounted files',
    );
    const mount = container(objects).volumeMounts.find((m: Manifest) => m.name === 'webhook-tls');
    assert.equal(mount?.readOnly, true);
    assert.match(container(objects).args.join(' '), new RegExp(`--webhook-cert-dir=${mount?.mountPath}`));
    const volume = findObject(objects, 'Deployment').spec.template.spec.volumes.find(
      (v: Manifest) => v.name === 'webhook-tls',
    );
    assert.equal(volume?.secret?.secretName, WEBHOOK_TLS_SECRET);
    const clusterRole = findObject(objects, 'ClusterRole', 'agent-governor-operator');
    assert.ok(
      !clusterRole['rules'].some((r: Manifest) => r.apiGroups.includes('admissionregistration.k8s.io')),
    );
    const withIssuer = await renderChart({
      namespace: NS,
      valuesFiles: ['ci/cert-manager-issuer-values.yaml'],
    });
    assert.equal(withIssuer.filter((o) => o['kind'] === 'Issuer').length, 0);
    assert.deepEqual(findObject(withIssuer, 'Certificate')['spec'].issuerRef, {
      name: 'cluster-ca',
      kind: 'ClusterIssuer',
      group: 'cert-manager.io',
    });
  });

  it('serves the sidecar services over TLS by default; plain HTTP only when asked, cert-manager on request', async () => {
    const args = container(defaults).args.join(' ');
    assert.match(args, /--sidecar-services-cert-mode=self-signed/);
    assert.match(args, new RegExp(`--sidecar-operator-url=https://agent-governor\\.${NS}\\.svc:8443`));
    assert.doesNotMatch(args, /insecure-plain-http/);
    const plain = container(
      await renderChart({ namespace: NS, values: { sidecarServices: { insecurePlainHttp: true } } }),
    ).args.join(' ');
    assert.match(plain, /--sidecar-services-insecure-plain-http/);
    assert.match(plain, new RegExp(`--sidecar-operator-url=http://agent-governor\\.${NS}\\.svc:8443`));
    const objects = await renderChart({ namespace: NS, valuesFiles: ['ci/all-features-values.yaml'] });
    const certificate = objects.find(
      (o) => o['kind'] === 'Certificate' && o['metadata'].name === 'agent-governor-sidecar-services',
    ) as Manifest;
    assert.equal(certificate['spec'].secretName, 'agent-governor-sidecar-services-cert');
    assert.deepEqual(certificate['spec'].dnsNames, [
      `agent-governor.${NS}.svc`,
      `agent-governor.${NS}.svc.cluster.local`,
    ]);
    const mount = container(objects).volumeMounts.find((m: Manifest) => m.name === 'sidecar-services-tls');
    assert.equal(mount?.readOnly, true);
    assert.match(
      container(objects).args.join(' '),
      new RegExp(`--sidecar-services-cert-mode=cert-manager --sidecar-services-cert-dir=${mount?.mountPath}`),
    );
    await assert.rejects(
      renderChart({ namespace: NS, values: { sidecarServices: { tls: { mode: 'secret' } } } }),
      /sidecarServices\.tls\.mode secret needs sidecarServices\.tls\.secretName/,
    );
  });

  it('renders the generated CRDs, kept on uninstall, and none with crds.install=false', async () => {
    const crds = defaults.filter((o) => o['kind'] === 'CustomResourceDefinition');
    const generated = readdirSync(join(REPO_ROOT, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parse(readFileSync(join(REPO_ROOT, 'crds', f), 'utf8')) as Manifest);
    assert.equal(crds.length, generated.length);
    for (const crd of generated) {
      const rendered = findObject(crds, 'CustomResourceDefinition', crd['metadata'].name);
      assert.deepEqual(rendered['spec'], crd['spec'], `${crd['metadata'].name}: the schema of crds/`);
      assert.equal(rendered['metadata'].annotations['helm.sh/resource-policy'], 'keep');
    }
    const none = await renderChart({ namespace: NS, values: { crds: { install: false } } });
    assert.equal(none.filter((o) => o['kind'] === 'CustomResourceDefinition').length, 0);
    const notKept = await renderChart({ namespace: NS, values: { crds: { keep: false } } });
    for (const crd of notKept.filter((o) => o['kind'] === 'CustomResourceDefinition')) {
      assert.equal(crd['metadata'].annotations?.['helm.sh/resource-policy'], undefined);
    }
  });

  it('lets people read every governor kind through the built-in view role, and edit the namespaced ones', () => {
    const plural = (f: string) =>
      (parse(readFileSync(join(REPO_ROOT, 'crds', f), 'utf8')) as Manifest)['spec'].names.plural as string;
    const kinds = readdirSync(join(REPO_ROOT, 'crds'))
      .filter((f) => f.endsWith('.yaml'))
      .map(plural);
    const granted = (name: string) =>
      new Set(
        (findObject(defaults, 'ClusterRole', name)['rules'] as Manifest[]).flatMap(
          (r) => r['resources'] as string[],
        ),
      );
    const view = granted('agent-governor-view');
    for (const kind of kinds) assert.ok(view.has(kind), `view role: ${kind} is missing`);
    const edit = granted('agent-governor-edit');
    for (const kind of [
      'tokenbudgets',
      'agentslos',
      'fallbackroutes',
      'agentapprovals',
      'prompttemplates',
      'evaluationgates',
    ])
      assert.ok(edit.has(kind), `edit role: ${kind} is missing`);
    assert.ok(!edit.has('agentusageledgers'), "the ledgers stay the operator's");
  });

  it('deploys the gateway when asked: hardened, `agent-governor gateway` with flags the CLI accepts, least RBAC', async () => {
    assert.ok(!defaults.some((o) => o['metadata']?.name === 'agent-governor-gateway'), 'off by default');
    const objects = await renderChart({
      namespace: NS,
      values: {
        gateway: {
          enabled: true,
          namespaces: ['team-a'],
          credentialSecrets: ['openai-key'],
          autoscaling: { enabled: true },
        },
      },
    });
    const gateway = findObject(objects, 'Deployment', 'agent-governor-gateway');
    const pod = gateway.spec.template.spec;
    const [main] = pod.containers;
    assert.equal(main.args[0], 'gateway');
    const help = execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'bin', 'agent-governor.mjs'), 'gateway', '--help'],
      {
        encoding: 'utf8',
      },
    );
    for (const arg of main.args.slice(1))
      assert.ok(help.includes(arg.split('=')[0]), `${arg}: not a gateway flag`);
    assert.ok(main.args.includes(`--operator-url=https://agent-governor.${NS}.svc:8443`));
    assert.ok(main.args.includes('--namespaces=team-a'));
    assert.equal(main.securityContext.readOnlyRootFilesystem, true);
    assert.equal(gateway.spec.replicas, undefined, 'the HPA owns the replicas');
    assert.equal(
      findObject(objects, 'HorizontalPodAutoscaler', 'agent-governor-gateway').spec.scaleTargetRef.name,
      'agent-governor-gateway',
    );
    assert.ok(
      pod.volumes.some((v: { secret?: { secretName: string } }) => v.secret?.secretName === 'openai-key'),
    );
    assert.deepEqual(findObject(objects, 'ClusterRole', 'agent-governor-gateway').rules, [
      { apiGroups: ['authentication.k8s.io'], resources: ['tokenreviews'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    ]);
    const operatorArgs: string[] = findObject(objects, 'Deployment', 'agent-governor').spec.template.spec
      .containers[0].args;
    assert.ok(operatorArgs.includes(`--gateway-url=http://agent-governor-gateway.${NS}.svc:4000`));
    assert.equal(findObject(objects, 'Service', 'agent-governor-gateway').spec.ports[0].port, 4000);
  });

  it('keeps optional parts off by default and renders them when asked', async () => {
    const optional = ['ServiceMonitor', 'PodMonitor', 'PrometheusRule', 'ConfigMap', 'Certificate', 'Issuer'];
    assert.deepEqual(
      defaults.filter((o) => optional.includes(o['kind'])),
      [],
    );
    const all = await renderChart({ namespace: NS, valuesFiles: ['ci/all-features-values.yaml'] });
    for (const kind of optional)
      assert.ok(
        all.some((o) => o['kind'] === kind),
        kind,
      );
    const monitor = findObject(all, 'ServiceMonitor');
    assert.equal(monitor['spec'].endpoints[0].port, 'metrics');
    assert.equal(monitor['spec'].endpoints[0].honorLabels, true);
  });
});
