import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentApproval } from '../apis/agent-approval.js';
import { type AuditInputs, buildAuditReport, changesSince } from './audit-report.js';
import { dataflowMap } from './dataflow-map.js';
import { reportFromFile, reportHtml } from './report-html.js';
import { reportMarkdown } from './report-markdown.js';
import { demoLikeAgents, demoLikeInputs, NAMESPACE, residencyPolicy } from './testdata/demo-like-cluster.js';

const now = new Date('2026-03-02T10:00:00Z');
const map = dataflowMap(demoLikeInputs());
const supportVersion = map.agents.find((a) => a.name === 'support')?.workloads[0]?.version ?? '';
const approval = {
  metadata: { name: 'support-dpo', namespace: NAMESPACE, creationTimestamp: '2026-03-01T12:00:00Z' },
  spec: {
    agent: 'support',
    version: supportVersion,
    role: 'dpo',
    approver: 'alice',
    comment: 'ticket <DPO-7>',
  },
} as unknown as AgentApproval;
const inputs = (overrides: Partial<AuditInputs> = {}): AuditInputs => ({
  now,
  since: new Date('2026-03-01T00:00:00Z'),
  map,
  agents: demoLikeAgents(),
  approvals: [approval],
  approvalPolicies: [],
  residencyPolicies: [residencyPolicy],
  budgets: [],
  slos: [],
  ledgers: [],
  events: [
    {
      time: '2026-03-02T09:30:00Z',
      type: 'Warning',
      reason: 'BudgetExhausted',
      note: '100 % of 6000 tokens',
      object: 'TokenBudget governor-demo/team-daily',
    },
    {
      time: '2026-02-01T09:30:00Z',
      type: 'Warning',
      reason: 'Suspended',
      note: 'too early',
      object: 'Deployment x',
    },
    {
      time: '2026-03-02T09:31:00Z',
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      note: 'not ours',
      object: 'Deployment x',
    },
  ],
  retention: [],
  ...overrides,
});

describe('buildAuditReport', () => {
  const report = buildAuditReport(inputs());

  it('keeps the approvals with who, role, when and version, marking those in the period', () => {
    assert.deepEqual(report.approvals, [
      {
        namespace: NAMESPACE,
        name: 'support-dpo',
        agent: 'support',
        version: supportVersion,
        role: 'dpo',
        approver: 'alice',
        at: '2026-03-01T12:00:00Z',
        comment: 'ticket <DPO-7>',
        inPeriod: true,
      },
    ]);
  });

  it('lists the refusals of the period and only the budget, SLO and governance Events in it', () => {
    assert.deepEqual(
      report.residency.refusals.map((r) => [r.name, r.policy]),
      [['research-agent', 'demo-eu-only']],
    );
    assert.deepEqual(
      report.events.map((e) => e.reason),
      ['BudgetExhausted'],
    );
  });

  it('says the built-in retention holds without a RetentionPolicy', () => {
    assert.deepEqual(
      report.retention.map((r) => [r.data, r.limit]),
      [
        ['usageHistory', '92d (built in: no RetentionPolicy)'],
        ['responseCache', "the route's own cache.ttl (built in: no RetentionPolicy)"],
      ],
    );
  });

  it('lists what changed since a previous report', () => {
    const before = buildAuditReport(inputs({ approvals: [], now: new Date('2026-03-01T00:00:00Z') }));
    const changes = changesSince(before, report);
    assert.deepEqual(changes, {
      since: '2026-03-01T00:00:00.000Z',
      items: [`approval: dpo alice approved ${NAMESPACE}/support ${supportVersion}`],
    });
  });

  it('renders HTML with a table of contents, the picture, escaped text and its own JSON for the next --previous', () => {
    const html = reportHtml(report, '<svg><text>agent marketing</text></svg>');
    assert.match(html, /<nav aria-label="Contents">[\s\S]*<a href="#approvals">Approvals<\/a>/);
    assert.match(html, /<figure class="map"><svg>/);
    assert.match(html, /ticket &lt;DPO-7&gt;/);
    assert.ok(!html.includes('ticket <DPO-7>'.replace('<', '</')), 'no raw HTML from the cluster');
    assert.deepEqual(reportFromFile(html), JSON.parse(JSON.stringify(report)));
  });

  it('renders Markdown with the same sections and a link to the picture', () => {
    const markdown = reportMarkdown(report, 'audit-dataflows.svg');
    assert.match(markdown, /^# Agent governance audit report — 2026-03-02\n/);
    assert.match(markdown, /1\. \[Summary\]\(#summary\)\n2\. \[Agents and versions\]\(#agents\)/);
    assert.match(markdown, /!\[Dataflow map\]\(audit-dataflows\.svg\)/);
    assert.match(markdown, /\| 2026-03-01T12:00:00Z ★ \| governor-demo\/support \|/);
  });
});
