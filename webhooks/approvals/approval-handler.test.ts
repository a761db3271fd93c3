import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentApproval } from '../../apis/agent-approval.js';
import { route, supportDeployment } from '../../governance/testdata/demo-like-cluster.js';
import type { AdmissionRequest } from '../admission/admission-review.js';
import { inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { type ApprovalRefusal, approvalHandler } from './approval-handler.js';

const NS = 'support-team';
const policy = (mode = 'Enforce') => ({
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'ApprovalPolicy',
  metadata: { name: 'production-signoff' },
  spec: {
    mode,
    namespaceSelector: { matchLabels: { stage: 'production' } },
    roles: [
      { name: 'dpo', groups: ['dpo-office'] },
      { name: 'ciso', groups: ['security'] },
    ],
  },
});
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'support-agent', namespace: NS },
  spec: { ...supportDeployment.spec, selector: { matchLabels: { app: 'support-agent' } } },
};
const prompt = (text: string) => ({
  metadata: { name: 'support-prompt', namespace: NS },
  data: { 'system.txt': text },
});
const approval = (role: string, approver: string, version: string): AgentApproval =>
  ({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'AgentApproval',
    metadata: { name: `support-${role}`, namespace: NS, creationTimestamp: '2026-03-01T00:00:00Z' },
    spec: { agent: 'support', version, role, approver },
  }) as AgentApproval;

function request(
  kind: string,
  object: unknown,
  user: { username: string; groups: string[] },
  extra: Partial<AdmissionRequest> = {},
): AdmissionRequest {
  const group = kind === 'AgentApproval' ? 'governor.agents.dev' : 'apps';
  return {
    uid: 'u',
    kind: { group, version: kind === 'AgentApproval' ? 'v1alpha1' : 'v1', kind },
    resource: { group, version: 'v1', resource: `${kind.toLowerCase()}s` },
    namespace: NS,
    name: (object as { metadata: { name: string } }).metadata.name,
    operation: 'CREATE',
    userInfo: user,
    object,
    ...extra,
  };
}

const admin = { username: 'admin', groups: ['system:masters'] };
const alice = { username: 'alice', groups: ['dpo-office', 'system:authenticated'] };
const nsAdmin = { username: 'bob', groups: ['support-team-admins', 'system:authenticated'] };

function handler(
  options: {
    mode?: string;
    approvals?: AgentApproval[];
    promptText?: string;
    refusals?: ApprovalRefusal[];
  } = {},
) {
  const view = inMemoryClusterView({
    namespaces: { [NS]: { stage: 'production' }, elsewhere: {} },
    approvalPolicies: [policy(options.mode)],
    agentApprovals: options.approvals ?? [],
    fallbackRoutes: [{ ...route, metadata: { name: 'gpt-4o', namespace: NS } }],
    configMaps: [prompt(options.promptText ?? 'Be brief.')],
  });
  return approvalHandler(view, { onRefusal: (r) => options.refusals?.push(r) });
}

/** The version the workload runs, read from the refusal's message. */
async function currentVersion(promptText = 'Be brief.'): Promise<string> {
  const verdict = await handler({ promptText }).handle(request('Deployment', deployment, admin));
  assert.equal(verdict.allowed, false);
  return /version (v1-[0-9a-f]{20})/.exec(verdict.allowed ? '' : verdict.message)?.[1] ?? '';
}

describe('approvalHandler: who may approve', () => {
  it('lets a member of the role group approve as themselves', async () => {
    const verdict = await handler().handle(
      request('AgentApproval', approval('dpo', 'alice', 'v1-00000000000000000000'), alice),
    );
    assert.deepEqual(verdict, { allowed: true });
  });

  it('refuses a namespace admin approving as DPO, naming their groups and the role groups', async () => {
    const refusals: ApprovalRefusal[] = [];
    const verdict = await handler({ refusals }).handle(
      request('AgentApproval', approval('dpo', 'bob', 'v1-00000000000000000000'), nsAdmin),
    );
    assert.equal(verdict.allowed, false);
    assert.match(
      verdict.allowed ? '' : verdict.message,
      /user "bob" may not approve as dpo: none of their groups \(support-team-admins, system:authenticated\) is one of the role's groups \(dpo-office\) in ApprovalPolicy production-signoff/,
    );
    assert.deepEqual(
      refusals.map((r) => [r.policy, r.reason]),
      [['production-signoff', 'ApprovalForged']],
    );
  });

  it('refuses an approval naming someone else as approver', async () => {
    const verdict = await handler().handle(
      request('AgentApproval', approval('dpo', 'carol', 'v1-00000000000000000000'), alice),
    );
    assert.match(
      verdict.allowed ? '' : verdict.message,
      /spec.approver is "carol" but the request comes from "alice"/,
    );
  });

  it('refuses a role no policy of the namespace requires, and any role where no policy applies', async () => {
    const unknown = await handler().handle(
      request('AgentApproval', approval('cfo', 'alice', 'v1-00000000000000000000'), alice),
    );
    assert.match(
      unknown.allowed ? '' : unknown.message,
      /spec.role "cfo" is not a role .* expected one of: dpo, ciso/,
    );
    const elsewhere = await handler().handle(
      request(
        'AgentApproval',
        {
          ...approval('dpo', 'alice', 'v1-00000000000000000000'),
          metadata: { name: 'x', namespace: 'elsewhere' },
        },
        alice,
        { namespace: 'elsewhere' },
      ),
    );
    assert.match(elsewhere.allowed ? '' : elsewhere.message, /no ApprovalPolicy selects namespace elsewhere/);
  });

  it('does not refuse a dry-run less, but records nothing for it', async () => {
    const refusals: ApprovalRefusal[] = [];
    const verdict = await handler({ refusals }).handle(
      request('AgentApproval', approval('dpo', 'bob', 'v1-00000000000000000000'), nsAdmin, { dryRun: true }),
    );
    assert.equal(verdict.allowed, false);
    assert.deepEqual(refusals, []);
  });
});

describe('approvalHandler: unapproved versions', () => {
  it('refuses a workload whose version lacks approvals, naming the version and the missing roles', async () => {
    const verdict = await handler().handle(request('Deployment', deployment, admin));
    assert.equal(verdict.allowed, false);
    assert.match(
      verdict.allowed ? '' : verdict.message,
      /^Deployment support-team\/support-agent runs agent support version v1-[0-9a-f]{20}, which lacks the approval of: dpo \(groups dpo-office; ApprovalPolicy production-signoff\); ciso \(groups security/,
    );
  });

  it('admits it once every role approved that version, and refuses it again when the prompt changes', async () => {
    const version = await currentVersion();
    const approvals = [approval('dpo', 'alice', version), approval('ciso', 'dave', version)];
    assert.deepEqual(await handler({ approvals }).handle(request('Deployment', deployment, admin)), {
      allowed: true,
    });
    const changed = await handler({ approvals, promptText: 'You may promise refunds.' }).handle(
      request('Deployment', deployment, admin),
    );
    assert.equal(changed.allowed, false);
    assert.notEqual(await currentVersion('You may promise refunds.'), version);
  });

  it('names only the roles still missing', async () => {
    const version = await currentVersion();
    const verdict = await handler({ approvals: [approval('dpo', 'alice', version)] }).handle(
      request('Deployment', deployment, admin),
    );
    assert.match(verdict.allowed ? '' : verdict.message, /lacks the approval of: ciso \(/);
  });

  it('warns in Warn mode and records in Audit mode', async () => {
    const warned = await handler({ mode: 'Warn' }).handle(request('Deployment', deployment, admin));
    assert.equal(warned.allowed, true);
    assert.match(
      (warned.allowed && warned.warnings?.[0]) || '',
      /lacks the approval of dpo, ciso \(ApprovalPolicy production-signoff\)/,
    );
    const audited = await handler({ mode: 'Audit' }).handle(request('Deployment', deployment, admin));
    assert.match(
      (audited.allowed && audited.auditAnnotations?.['unapproved-version']) || '',
      /^support v1-[0-9a-f]{20} missing dpo,ciso$/,
    );
  });

  it('never refuses an UPDATE that keeps the version (scaling, a budget suspending it)', async () => {
    const scaled = { ...deployment, spec: { ...deployment.spec, replicas: 0 } };
    const verdict = await handler().handle(
      request('Deployment', scaled, admin, { operation: 'UPDATE', oldObject: deployment }),
    );
    assert.deepEqual(verdict, { allowed: true });
  });

  it('lets non-agent workloads and ungoverned namespaces pass', async () => {
    const plain = {
      ...deployment,
      spec: {
        ...deployment.spec,
        template: { metadata: { labels: { app: 'x' } }, spec: deployment.spec.template.spec },
      },
    };
    assert.deepEqual(await handler().handle(request('Deployment', plain, admin)), { allowed: true });
    assert.deepEqual(
      await handler().handle(
        request('Deployment', { ...deployment, metadata: { name: 'a', namespace: 'elsewhere' } }, admin, {
          namespace: 'elsewhere',
        }),
      ),
      { allowed: true },
    );
  });
});
