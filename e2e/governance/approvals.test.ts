// Sign-offs before production against the real API server, with the operator serving its webhooks:
// an ApprovalPolicy requires the DPO (group e2e-dpo) and the CISO (group e2e-ciso) in a namespace.
// The support agent is refused until both approved its version; a namespace admin (impersonated,
// with RBAC to create approvals) cannot approve as DPO, nor can anyone approve in someone else's
// name; a changed prompt ConfigMap makes a new version — the policy's status lists the running
// workload as approved only under the older version, a change of it is refused until the new version
// is approved, scaling it is not.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { approvalPolicies } from '../../agents/governor-resources.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { events, namespaces } from '../../runtime/kube/resources.js';
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
} from '../admission/admission-operator.js';
import { demoLikeAgentsYaml } from './demo-like-manifests.js';

describe('approvals before production (operator with local webhooks)', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('appr-op');
  const namespace = uniqueName('appr');
  const policy = uniqueName('approvals-e2e');
  const approverRole = uniqueName('approvals-e2e-approver');
  let firstVersion = '';

  const kubectlAs = (user: string, groups: string[], args: string[], input?: string) =>
    cluster.kubectl(
      ['--as', user, ...groups.flatMap((g) => ['--as-group', g]), ...args],
      input ? { input } : {},
    );
  const approve = (user: string, groups: string[], role: string, version: string, approver = user) =>
    kubectlAs(
      user,
      groups,
      ['create', '-f', '-'],
      stringify({
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'AgentApproval',
        metadata: { generateName: `support-${role}-`, namespace },
        spec: { agent: 'support', version, role, approver, comment: 'e2e' },
      }),
    );
  const supportOnly = (prompt?: string) =>
    demoLikeAgentsYaml(namespace)
      .split('---\n')
      .filter((d) => /support|kind: FallbackRoute/.test(d))
      .map((d) =>
        prompt && d.includes('kind: ConfigMap') ? d.replace(/system\.txt: .*/, `system.txt: ${prompt}`) : d,
      )
      .join('---\n');
  const storedPolicy = () => client.get(approvalPolicies, { name: policy });

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, namespace, { stage: namespace });
    // Approvers, and a namespace admin, may create approvals as far as RBAC goes: the webhook decides.
    await cluster.kubectl(
      [
        'create',
        'clusterrole',
        approverRole,
        '--verb=create,get,list',
        '--resource=agentapprovals.governor.agents.dev',
      ],
      { check: true },
    );
    await cluster.kubectl(
      [
        'create',
        'rolebinding',
        'approvers',
        '-n',
        namespace,
        `--clusterrole=${approverRole}`,
        '--group=e2e-dpo',
        '--group=e2e-ciso',
        '--group=e2e-ns-admins',
      ],
      { check: true },
    );
    await client.create(approvalPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'ApprovalPolicy',
      metadata: { name: policy },
      spec: {
        mode: 'Enforce',
        namespaceSelector: { matchLabels: { stage: namespace } },
        roles: [
          { name: 'dpo', description: 'Data protection officer', groups: ['e2e-dpo'] },
          { name: 'ciso', groups: ['e2e-ciso'] },
        ],
        auditInterval: '3s',
      },
    } as unknown as ApprovalPolicy);
    operator = await startAdmissionOperator(cluster, operatorNamespace);
    await eventually('the namespace labelled as governed', async () =>
      (await client.get(namespaces, { name: namespace }))?.metadata?.labels?.[
        'governor.agents.dev/approvals'
      ] === 'required'
        ? true
        : undefined,
    );
  });

  after(async () => {
    await operator?.process.stop();
    if (client) {
      await client.delete(approvalPolicies, { name: policy });
      await cleanUpAdmission(client, { namespaces: [namespace, operatorNamespace] });
      await cluster.kubectl(['delete', 'clusterrole', approverRole, '--ignore-not-found']);
    }
    await close?.();
  });

  it('refuses the agent until its version is approved, naming the version and the missing roles', async () => {
    const refused = await cluster.kubectl(['apply', '-f', '-'], { input: supportOnly() });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /admission webhook "approval-gate.governor.agents.dev" denied the request/);
    assert.match(
      refused.stderr,
      /runs agent support version v1-[0-9a-f]{20}, which lacks the approval of: dpo \(groups e2e-dpo; ApprovalPolicy .*\); ciso \(groups e2e-ciso/,
    );
    firstVersion = /version (v1-[0-9a-f]{20})/.exec(refused.stderr)?.[1] ?? '';
  });

  it('refuses a namespace admin approving as DPO, and an approval in someone else’s name', async () => {
    const forged = await approve('bob', ['e2e-ns-admins'], 'dpo', firstVersion);
    assert.notEqual(forged.code, 0);
    assert.match(
      forged.stderr,
      /user "bob" may not approve as dpo: none of their groups \(e2e-ns-admins, system:authenticated\) is one of the role's groups \(e2e-dpo\)/,
    );
    const impersonating = await approve('alice', ['e2e-dpo'], 'dpo', firstVersion, 'carol');
    assert.match(impersonating.stderr, /spec.approver is "carol" but the request comes from "alice"/);
    const events = await policyEvents();
    assert.ok(
      events.some((e) => e.reason === 'ApprovalForged'),
      `an ApprovalForged Event: ${JSON.stringify(events)}`,
    );
  });

  it('admits the agent once the DPO and the CISO approved that version; the status shows nothing pending', async () => {
    assert.equal((await approve('alice', ['e2e-dpo'], 'dpo', firstVersion)).code, 0);
    const half = await cluster.kubectl(['apply', '-f', '-'], { input: supportOnly() });
    assert.match(half.stderr, /lacks the approval of: ciso \(/);
    assert.equal((await approve('carol', ['e2e-ciso'], 'ciso', firstVersion)).code, 0);
    await eventually('the approvals in the webhook cache', async () => {
      const applied = await cluster.kubectl(['apply', '-f', '-'], { input: supportOnly() });
      return applied.code === 0 ? true : undefined;
    });
    const status = await eventually('the audit of the approved version', async () => {
      const s = (await storedPolicy())?.status;
      return s?.versions?.[0]?.version === firstVersion && s.pendingCount === 0 ? s : undefined;
    });
    assert.deepEqual(status.versions?.[0], {
      namespace,
      agent: 'support',
      workload: 'Deployment/support-agent',
      version: firstVersion,
      approvedRoles: ['dpo', 'ciso'],
      missingRoles: [],
    });
    // Repeats of a reason join the first Event's series (runtime/events): the DPO's came first.
    const granted = await eventually('an ApprovalGranted Event', async () => {
      const found = (await policyEvents()).filter((e) => e.reason === 'ApprovalGranted');
      return found.length > 0 ? found : undefined;
    });
    assert.match(
      granted[0]?.note ?? '',
      new RegExp(`^dpo approved agent support in ${namespace}, version ${firstVersion}, by alice`),
    );
  });

  it('a changed prompt ConfigMap makes a new version: listed as approved only under the old one, changes refused until approved', async () => {
    await cluster.kubectl(['apply', '-f', '-'], {
      input: supportOnly('You may promise refunds.'),
      check: false,
    });
    const stale = await eventually('the stale workload in the status', async () => {
      const s = (await storedPolicy())?.status;
      return s?.staleCount === 1 ? s : undefined;
    });
    const row = stale.versions?.[0];
    assert.equal(row?.approvedVersion, firstVersion);
    assert.notEqual(row?.version, firstVersion);
    assert.deepEqual(row?.missingRoles, ['dpo', 'ciso']);
    const newVersion = row?.version ?? '';

    const scaled = await cluster.kubectl([
      'scale',
      'deployment/support-agent',
      '-n',
      namespace,
      '--replicas=1',
    ]);
    assert.equal(scaled.code, 0, `scaling keeps the version and passes: ${scaled.stderr}`);
    const changed = await cluster.kubectl([
      'set',
      'env',
      'deployment/support-agent',
      '-n',
      namespace,
      'TONE=formal',
    ]);
    assert.notEqual(changed.code, 0);
    assert.match(changed.stderr, /lacks the approval of: dpo/);

    assert.equal((await approve('alice', ['e2e-dpo'], 'dpo', newVersion)).code, 0);
    assert.equal((await approve('carol', ['e2e-ciso'], 'ciso', newVersion)).code, 0);
    const settled = await eventually('nothing pending or stale', async () => {
      const s = (await storedPolicy())?.status;
      return s?.pendingCount === 0 && s.staleCount === 0 ? s : undefined;
    });
    assert.equal(settled.versions?.[0]?.version, newVersion);
  });

  async function policyEvents(): Promise<Array<{ reason: string; note: string }>> {
    const list = await client.list(events, { namespace: 'default' });
    return list
      .filter((e) => e.regarding?.kind === 'ApprovalPolicy' && e.regarding.name === policy)
      .map((e) => ({ reason: e.reason ?? '', note: e.note ?? '' }));
  }
});
