import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KINDS } from '../apis/kinds.js';
import { REPO_ROOT } from '../testing/repo-files.js';
import { findInstallManifest, localInstall, readManifest } from './install-manifest.js';

describe('the local install', () => {
  it('applies CRDs, namespace, ServiceAccount and RBAC; leaves out what needs a kubelet or points at a Service', () => {
    const objects = [
      { kind: 'Namespace', metadata: { name: 'agent-governor-system' } },
      { kind: 'CustomResourceDefinition', metadata: { name: 'tokenbudgets.governor.agents.dev' } },
      { kind: 'ServiceAccount', metadata: { name: 'agent-governor' } },
      { kind: 'ClusterRole', metadata: { name: 'agent-governor-operator' } },
      { kind: 'ClusterRoleBinding', metadata: { name: 'agent-governor-operator' } },
      { kind: 'Role', metadata: { name: 'agent-governor-operator' } },
      { kind: 'RoleBinding', metadata: { name: 'agent-governor-operator' } },
      { kind: 'Deployment', metadata: { name: 'agent-governor' } },
      { kind: 'Service', metadata: { name: 'agent-governor-webhook' } },
      { kind: 'MutatingWebhookConfiguration', metadata: { name: 'agent-governor-sidecar-injector' } },
      { kind: 'PodDisruptionBudget', metadata: { name: 'agent-governor' } },
    ];
    const { apply, skipped } = localInstall(objects);
    assert.deepEqual(
      apply.map((o) => o.kind),
      [
        'Namespace',
        'CustomResourceDefinition',
        'ServiceAccount',
        'ClusterRole',
        'ClusterRoleBinding',
        'Role',
        'RoleBinding',
      ],
    );
    assert.deepEqual(skipped, [
      'Deployment/agent-governor',
      'Service/agent-governor-webhook',
      'MutatingWebhookConfiguration/agent-governor-sidecar-injector',
      'PodDisruptionBudget/agent-governor',
    ]);
  });

  it("finds the repository's generated manifest with the CRDs and the operator's ServiceAccount", () => {
    const manifest = findInstallManifest(REPO_ROOT);
    assert.ok(manifest, 'deploy/install.yaml (generated from the chart) exists');
    const { apply } = localInstall(readManifest(manifest));
    assert.equal(apply.filter((o) => o.kind === 'CustomResourceDefinition').length, KINDS.length);
    const account = apply.find((o) => o.kind === 'ServiceAccount');
    assert.ok(account?.metadata?.namespace, 'the ServiceAccount names its namespace');
  });
});
