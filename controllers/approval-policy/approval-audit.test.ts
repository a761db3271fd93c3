import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents } from '../../agents/agent-discovery.js';
import type { AgentApproval } from '../../apis/agent-approval.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import { agentVersion } from '../../governance/agent-version.js';
import {
  configMaps,
  NAMESPACE,
  route,
  supportDeployment,
} from '../../governance/testdata/demo-like-cluster.js';
import { auditApprovals } from './approval-audit.js';
import { approvalStatus } from './approval-policy-controller.js';
import { governedNamespaceChanges } from './governed-namespaces.js';

const policy = (status?: ApprovalPolicy['status']) =>
  ({
    metadata: { name: 'signoff' },
    spec: {
      mode: 'Enforce',
      namespaceSelector: {},
      roles: [
        { name: 'dpo', groups: ['dpo'] },
        { name: 'ciso', groups: ['sec'] },
      ],
      auditInterval: '10m',
    },
    ...(status ? { status } : {}),
  }) as unknown as ApprovalPolicy;
const agents = [...discoverAgents([{ kind: 'Deployment', objects: [supportDeployment] }]).values()];
const versionWith = (prompt?: string) =>
  agentVersion({
    template: supportDeployment.spec.template,
    routes: [route],
    configMap: (name) => (prompt ? { data: { 'system.txt': prompt } } : configMaps[name]),
  }).version;
const approval = (role: string, version: string, created = '2026-03-01T10:00:00Z') =>
  ({
    metadata: { name: `a-${role}-${version.slice(-4)}`, namespace: NAMESPACE, creationTimestamp: created },
    spec: { agent: 'support', version, role, approver: `${role}-person` },
  }) as unknown as AgentApproval;
const audit = (
  approvals: AgentApproval[],
  options: { prompt?: string; status?: ApprovalPolicy['status']; since?: string } = {},
) =>
  auditApprovals({
    policy: policy(options.status),
    since: options.since,
    namespaces: [NAMESPACE],
    agents,
    routes: () => [route],
    configMap: (_, name) => (options.prompt ? { data: { 'system.txt': options.prompt } } : configMaps[name]),
    approvals: () => approvals,
  });

describe('auditApprovals', () => {
  const v1 = versionWith();
  const v2 = versionWith('You may promise refunds.');

  it('lists a workload with every role pending before any approval, with a Warning', () => {
    const result = audit([]);
    assert.equal(result.pendingCount, 1);
    assert.deepEqual(result.versions[0]?.missingRoles, ['dpo', 'ciso']);
    assert.deepEqual(
      result.events.map((e) => e.reason),
      ['VersionNotApproved'],
    );
  });

  it('shows nothing pending once both roles approved the running version, and announces the grants', () => {
    const result = audit([approval('dpo', v1), approval('ciso', v1)]);
    assert.deepEqual([result.pendingCount, result.staleCount], [0, 0]);
    assert.deepEqual(result.versions[0]?.approvedRoles, ['dpo', 'ciso']);
    assert.deepEqual(
      result.events.map((e) => e.reason),
      ['ApprovalGranted', 'ApprovalGranted'],
    );
    assert.match(
      result.events[0]?.note ?? '',
      /^dpo approved agent support in governor-demo, version v1-.* by dpo-person/,
    );
  });

  it('does not announce approvals older than the previous audit again', () => {
    const result = audit([approval('dpo', v1), approval('ciso', v1)], { since: '2026-03-01T11:00:00Z' });
    assert.deepEqual(result.events, []);
  });

  it('lists a workload whose prompt changed as approved only under the older version', () => {
    const before = audit([approval('dpo', v1), approval('ciso', v1)]);
    const result = audit([approval('dpo', v1), approval('ciso', v1)], {
      prompt: 'You may promise refunds.',
      status: { versions: before.versions },
      since: '2026-03-01T11:00:00Z',
    });
    assert.deepEqual([result.pendingCount, result.staleCount], [1, 1]);
    assert.equal(result.versions[0]?.version, v2);
    assert.equal(result.versions[0]?.approvedVersion, v1);
    assert.deepEqual(
      result.events.map((e) => e.reason),
      ['ApprovedUnderOlderVersion'],
    );
  });
});

describe('governedNamespaceChanges', () => {
  it('labels the namespaces a policy selects and unlabels the others, never the exempt ones', () => {
    const selecting = {
      ...policy(),
      spec: { ...policy().spec, namespaceSelector: { matchLabels: { stage: 'prod' } } },
    };
    assert.deepEqual(
      governedNamespaceChanges(
        [
          { name: 'shop', labels: { stage: 'prod' } },
          { name: 'labelled', labels: { stage: 'prod', 'governor.agents.dev/approvals': 'required' } },
          { name: 'dev', labels: { 'governor.agents.dev/approvals': 'required' } },
          { name: 'kube-system', labels: { stage: 'prod' } },
        ],
        [selecting as ApprovalPolicy],
        new Set(['kube-system']),
      ),
      [
        { namespace: 'shop', value: 'required' },
        { namespace: 'dev', value: null },
      ],
    );
  });
});

describe('approvalStatus', () => {
  const v1 = agentVersion({
    template: supportDeployment.spec.template,
    routes: [route],
    configMap: (name) => configMaps[name],
  }).version;
  const approvals = [approval('dpo', v1), approval('ciso', v1)];
  const first = new Date('2026-03-01T12:00:00Z');
  const written = approvalStatus(policy(), audit(approvals), 'summary', first, 600_000);

  it('keeps lastAuditTime (nothing to write) when an audit finds nothing new before the interval', () => {
    const later = new Date('2026-03-01T12:01:00Z');
    const again = auditApprovals({
      policy: policy(written),
      since: written.lastAuditTime,
      namespaces: [NAMESPACE],
      agents,
      routes: () => [route],
      configMap: (_, name) => configMaps[name],
      approvals: () => approvals,
    });
    assert.equal(
      approvalStatus(policy(written), again, 'summary', later, 600_000).lastAuditTime,
      written.lastAuditTime,
    );
    const due = new Date('2026-03-01T12:11:00Z');
    assert.equal(
      approvalStatus(policy(written), again, 'summary', due, 600_000).lastAuditTime,
      due.toISOString(),
    );
  });
});
