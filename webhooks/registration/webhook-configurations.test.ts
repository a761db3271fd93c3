import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LabelSelector } from '../../apis/label-selector.js';
import { matchesSelector } from '../../apis/label-selector-match.js';
import { caBundlePatch } from './ca-bundle-patch.js';
import { mutatingWebhookConfiguration, validatingWebhookConfiguration } from './webhook-configurations.js';

const options = {
  baseUrl: 'https://127.0.0.1:9443/',
  caBundle: '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  failurePolicy: 'Fail' as const,
  exemptNamespaces: ['agent-governor-system', 'kube-system'],
};

describe('validatingWebhookConfiguration', () => {
  const configuration = validatingWebhookConfiguration(options);
  const [residency, failOpen, objects] = configuration.webhooks;

  it('has the names the chart uses, pointing at this process', () => {
    assert.equal(configuration.metadata.name, 'agent-governor-validating');
    assert.equal(residency?.name, 'residency.governor.agents.dev');
    assert.equal(residency?.clientConfig.url, 'https://127.0.0.1:9443/validate/residency');
    assert.equal(objects?.name, 'governor-objects.governor.agents.dev');
    assert.equal(objects?.clientConfig.url, 'https://127.0.0.1:9443/validate/governor-objects');
    assert.equal(residency?.clientConfig.caBundle, Buffer.from(options.caBundle).toString('base64'));
    assert.equal(failOpen?.name, 'residency-fail-open.governor.agents.dev');
    assert.equal(failOpen?.clientConfig.url, 'https://127.0.0.1:9443/validate/residency');
    assert.deepEqual(failOpen?.rules, residency?.rules);
  });

  it('judges pods, ephemeral containers and every pod template on CREATE and UPDATE', () => {
    const resources = residency?.rules.flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.map((x) => `${g}/${x}`)),
    );
    assert.deepEqual(resources, [
      '/pods',
      '/pods/ephemeralcontainers',
      'apps/deployments',
      'apps/statefulsets',
      'apps/daemonsets',
      'apps/replicasets',
      'batch/jobs',
      'batch/cronjobs',
    ]);
    for (const rule of residency?.rules ?? []) assert.deepEqual(rule.operations, ['CREATE', 'UPDATE']);
  });

  it('fails closed for residency in enforced namespaces as configured, open elsewhere and for the governor objects', () => {
    assert.equal(residency?.failurePolicy, 'Fail');
    assert.equal(failOpen?.failurePolicy, 'Ignore');
    assert.equal(objects?.failurePolicy, 'Ignore');
    assert.equal(
      validatingWebhookConfiguration({ ...options, failurePolicy: 'Ignore' }).webhooks[0]?.failurePolicy,
      'Ignore',
    );
  });

  it('checks the four kinds, cluster-scoped DataResidencyPolicy included', () => {
    assert.deepEqual(objects?.rules, [
      {
        apiGroups: ['governor.agents.dev'],
        apiVersions: ['v1alpha1'],
        resources: ['tokenbudgets', 'agentslos', 'dataresidencypolicies', 'fallbackroutes'],
        operations: ['CREATE', 'UPDATE'],
        scope: '*',
      },
    ]);
  });

  it('exempts the operator’s namespace and kube-system, writes nothing on a dry-run, v1 only, 5 s', () => {
    for (const webhook of configuration.webhooks) {
      assert.deepEqual(webhook.namespaceSelector.matchExpressions[0], {
        key: 'kubernetes.io/metadata.name',
        operator: 'NotIn',
        values: ['agent-governor-system', 'kube-system'],
      });
      // Refusals are recorded (status, Events) but never for a dry-run.
      const recordsRefusals = webhook.name !== 'governor-objects.governor.agents.dev';
      assert.equal(webhook.sideEffects, recordsRefusals ? 'NoneOnDryRun' : 'None', webhook.name);
      assert.deepEqual(webhook.admissionReviewVersions, ['v1']);
      assert.equal(webhook.timeoutSeconds, 5);
    }
  });
});

describe('which webhooks the API server calls for a namespace or pod, and what a stopped operator means there', () => {
  const validating = validatingWebhookConfiguration(options).webhooks;
  const mutating = mutatingWebhookConfiguration(options).webhooks;
  type Hook = (typeof validating)[number] | (typeof mutating)[number];
  const called = (hooks: readonly Hook[], namespace: Record<string, string>, pod: Record<string, string>) =>
    hooks
      .filter(
        (h) =>
          matchesSelector(h.namespaceSelector as LabelSelector, namespace) &&
          matchesSelector(('objectSelector' in h ? h.objectSelector : {}) as LabelSelector, pod),
      )
      .map((h) => `${h.name.split('.')[0]} ${h.failurePolicy}`);
  const ns = (name: string, labels: Record<string, string> = {}) => ({
    'kubernetes.io/metadata.name': name,
    ...labels,
  });
  const residencyTable: Array<[string, Record<string, string>, string[]]> = [
    ['under an Enforce policy', ns('a', { 'governor.agents.dev/residency': 'enforce' }), ['residency Fail']],
    [
      'under Warn / Audit policies only',
      ns('b', { 'governor.agents.dev/residency': 'observe' }),
      ['residency-fail-open Ignore'],
    ],
    ['under no policy (or before its label lands)', ns('c'), ['residency-fail-open Ignore']],
    [
      "the operator's namespace",
      ns('agent-governor-system', { 'governor.agents.dev/residency': 'enforce' }),
      [],
    ],
    ['kube-system', ns('kube-system'), []],
  ];
  for (const [what, namespace, expected] of residencyTable) {
    it(`residency, a namespace ${what}: ${expected.join(', ') || 'none'}`, () => {
      const residencyHooks = validating.filter((h) => h.name.startsWith('residency'));
      assert.deepEqual(called(residencyHooks, namespace, { app: 'web' }), expected);
    });
  }
  const injectionTable: Array<[string, Record<string, string>, Record<string, string>, string[]]> = [
    [
      'an agent pod in an opted-in namespace',
      ns('a', { 'governor.agents.dev/inject': 'true' }),
      { 'governor.agents.dev/agent': 'x' },
      ['sidecar-injection Fail'],
    ],
    [
      'an agent pod opting out in an opted-in namespace',
      ns('a', { 'governor.agents.dev/inject': 'true' }),
      { 'governor.agents.dev/agent': 'x', 'governor.agents.dev/inject': 'false' },
      [],
    ],
    [
      'an agent pod opting in itself',
      ns('b'),
      { 'governor.agents.dev/agent': 'x', 'governor.agents.dev/inject': 'true' },
      ['sidecar-injection-pod Fail'],
    ],
    [
      'an agent pod opting in itself in an opted-in namespace: called once',
      ns('a', { 'governor.agents.dev/inject': 'true' }),
      { 'governor.agents.dev/agent': 'x', 'governor.agents.dev/inject': 'true' },
      ['sidecar-injection Fail'],
    ],
    ['an agent pod that did not opt in', ns('b'), { 'governor.agents.dev/agent': 'x' }, []],
    [
      'a pod of no agent in an opted-in namespace',
      ns('a', { 'governor.agents.dev/inject': 'true' }),
      { app: 'web' },
      [],
    ],
    [
      "an opted-in agent pod in the operator's namespace",
      ns('agent-governor-system', { 'governor.agents.dev/inject': 'true' }),
      { 'governor.agents.dev/agent': 'x', 'governor.agents.dev/inject': 'true' },
      [],
    ],
  ];
  for (const [what, namespace, pod, expected] of injectionTable) {
    it(`injection, ${what}: ${expected.join(', ') || 'none'}`, () => {
      // Pods only: the rollout-hold webhook is called for Deployments.
      const injectionHooks = mutating.filter((h) => h.name.startsWith('sidecar-injection'));
      assert.deepEqual(called(injectionHooks, namespace, pod), expected);
    });
  }
});

describe('the approval webhooks', () => {
  const [, , , approvals, gate] = validatingWebhookConfiguration(options).webhooks;

  it('check every AgentApproval, failing closed whatever the failure policy: no sign-off is let in unchecked', () => {
    assert.equal(approvals?.name, 'approvals.governor.agents.dev');
    assert.equal(approvals?.failurePolicy, 'Fail');
    assert.deepEqual(approvals?.rules, [
      {
        apiGroups: ['governor.agents.dev'],
        apiVersions: ['v1alpha1'],
        resources: ['agentapprovals'],
        operations: ['CREATE', 'UPDATE'],
        scope: 'Namespaced',
      },
    ]);
  });

  it('gate agent workloads only in the namespaces an ApprovalPolicy governs, with the configured failure policy', () => {
    assert.equal(gate?.name, 'approval-gate.governor.agents.dev');
    assert.equal(gate?.failurePolicy, options.failurePolicy);
    assert.deepEqual(gate?.namespaceSelector.matchExpressions[1], {
      key: 'governor.agents.dev/approvals',
      operator: 'Exists',
    });
    assert.equal(gate?.clientConfig.url, 'https://127.0.0.1:9443/validate/approvals');
  });
});

describe('mutatingWebhookConfiguration', () => {
  const configuration = mutatingWebhookConfiguration(options);
  const [injection] = configuration.webhooks;

  it('injects into opted-in agent pods on CREATE, reinvoked when a later webhook adds containers', () => {
    assert.equal(configuration.metadata.name, 'agent-governor-sidecar-injector');
    assert.equal(injection?.name, 'sidecar-injection.governor.agents.dev');
    assert.equal(injection?.clientConfig.url, 'https://127.0.0.1:9443/mutate/sidecar-injection');
    assert.deepEqual(injection?.rules, [
      {
        apiGroups: [''],
        apiVersions: ['v1'],
        resources: ['pods'],
        operations: ['CREATE'],
        scope: 'Namespaced',
      },
    ]);
    assert.equal(injection?.reinvocationPolicy, 'IfNeeded');
    assert.equal(injection?.failurePolicy, 'Fail');
    assert.deepEqual(
      injection && 'objectSelector' in injection ? injection.objectSelector.matchExpressions : [],
      [
        { key: 'governor.agents.dev/agent', operator: 'Exists' },
        { key: 'governor.agents.dev/inject', operator: 'NotIn', values: ['false'] },
      ],
    );
    const [, byPod] = configuration.webhooks;
    assert.equal(byPod?.name, 'sidecar-injection-pod.governor.agents.dev');
    assert.equal(byPod?.clientConfig.url, 'https://127.0.0.1:9443/mutate/sidecar-injection');
    assert.deepEqual(byPod?.rules, injection?.rules);
    assert.equal(byPod?.reinvocationPolicy, 'IfNeeded');
    assert.equal(byPod?.failurePolicy, 'Fail');
  });

  it('pauses Deployments whose new template an Enforce EvaluationGate has not passed, failing open', () => {
    const hold = configuration.webhooks.find((w) => w.name === 'rollout-hold.governor.agents.dev');
    assert.equal(hold?.clientConfig.url, 'https://127.0.0.1:9443/mutate/rollout-hold');
    assert.equal(hold?.failurePolicy, 'Ignore');
    assert.equal(hold?.reinvocationPolicy, 'Never');
    assert.deepEqual(hold?.rules, [
      {
        apiGroups: ['apps'],
        apiVersions: ['v1'],
        resources: ['deployments'],
        operations: ['UPDATE'],
        scope: 'Namespaced',
      },
    ]);
  });

  it('leaves caBundle out when there is none to publish', () => {
    const { caBundle: _none, ...rest } = options;
    assert.equal('caBundle' in (mutatingWebhookConfiguration(rest).webhooks[0]?.clientConfig ?? {}), false);
  });
});

describe('caBundlePatch', () => {
  const pem = '-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n';
  const encoded = Buffer.from(pem).toString('base64');

  it('sets the bundle in every webhook that lacks it, each guarded by a test of its name', () => {
    const configuration = {
      webhooks: [
        { name: 'a.governor.agents.dev', clientConfig: { service: { name: 's', namespace: 'n' } } },
        { name: 'b.governor.agents.dev', clientConfig: { caBundle: encoded } },
        { name: 'c.governor.agents.dev', clientConfig: { caBundle: 'b2xk' } },
      ],
    };
    assert.deepEqual(caBundlePatch(configuration as never, pem), [
      { op: 'test', path: '/webhooks/0/name', value: 'a.governor.agents.dev' },
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: encoded },
      { op: 'test', path: '/webhooks/2/name', value: 'c.governor.agents.dev' },
      { op: 'add', path: '/webhooks/2/clientConfig/caBundle', value: encoded },
    ]);
  });

  it('is empty when every webhook has the bundle already', () => {
    assert.deepEqual(
      caBundlePatch({ webhooks: [{ name: 'a', clientConfig: { caBundle: encoded } }] } as never, pem),
      [],
    );
  });
});
