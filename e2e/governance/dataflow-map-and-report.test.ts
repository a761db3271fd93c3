// The dataflow map of demo-like agents, read from the real API server by `agent-governor
// dataflows`: the operator serves its admission webhooks, the research agent's US endpoint is
// refused at admission and the refusal recorded in the policy's status, a usage ledger says what
// the support agent's sidecars saw answer. The map shows every agent, its versions, the LLM
// endpoints and data stores in their regions, the declared nightly export — and the US endpoint as
// refused. The SVG (laid out by Graphviz) is opened in headless Chromium, which must show every
// agent and every region. Then `agent-governor audit report` of the same cluster: JSON as a baseline,
// an approval given, HTML with --previous (what changed), read in Chromium (screenshot kept in
// test-output/governance) and printed to PDF; Markdown with the SVG beside it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  agentApprovals,
  agentSLOs,
  agentUsageLedgers,
  approvalPolicies,
  dataResidencyPolicies,
} from '../../agents/governor-resources.js';
import type { AgentSLO } from '../../apis/agent-slo.js';
import type { ApprovalPolicy } from '../../apis/approval-policy.js';
import type { AuditReport } from '../../governance/audit-report.js';
import type { DataflowMap } from '../../governance/dataflow-map.js';
import { ledger } from '../../governance/testdata/demo-like-cluster.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { AGENT_GOVERNOR_BIN } from '../../testing/cli-process.js';
import { eventually } from '../../testing/eventually.js';
import { launchChromium, svgTexts } from '../../testing/headless-chromium.js';
import { installCrds } from '../../testing/install-crds.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { testOutputDir } from '../../testing/test-output.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from '../admission/admission-operator.js';
import {
  demoLikeAgentsYaml,
  researchAgentYaml,
  residencyPolicyManifest,
  ZONE_LABEL,
} from './demo-like-manifests.js';

const run = promisify(execFile);
const POLICY_PREFIX = 'dataflows-e2e-';
const DAY_MS = 86_400_000;
const OUTPUT_DIR = testOutputDir('governance');

describe('agent-governor dataflows against the real API server', { timeout: 300_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  const operatorNamespace = uniqueName('flows-op');
  const namespace = uniqueName('flows');
  const policy = uniqueName(POLICY_PREFIX.slice(0, -1));
  let refusal = '';

  const dataflows = async (...args: string[]) =>
    (
      await run(
        process.execPath,
        [
          AGENT_GOVERNOR_BIN,
          'dataflows',
          '--kubeconfig',
          cluster.kubeconfig,
          '-n',
          namespace,
          '--operator-namespace',
          operatorNamespace,
          ...args,
        ],
        { maxBuffer: 16 * 1024 * 1024 },
      )
    ).stdout;

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, namespace, { [ZONE_LABEL]: namespace });
    await client.create(dataResidencyPolicies, residencyPolicyManifest(policy, namespace) as never);
    operator = await startAdmissionOperator(cluster, operatorNamespace);
    await cluster.kubectl(['apply', '-f', '-'], { input: demoLikeAgentsYaml(namespace), check: true });
    const refused = await cluster.kubectl(['apply', '-f', '-'], { input: researchAgentYaml(namespace) });
    assert.notEqual(refused.code, 0, 'the US endpoint is refused at admission');
    refusal = refused.stderr;
    // Today's calls of the support agent: 10 within 250 ms, one of them a server error.
    const today = new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS).toISOString();
    await client.create(agentUsageLedgers, {
      ...ledger,
      metadata: { name: 'support', namespace },
      spec: {
        ...ledger.spec,
        buckets: {
          ...ledger.spec.buckets,
          days: [
            {
              start: today,
              latency: [0, 2, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
              outcomes: { Success: 9, ServerError: 1 },
            },
          ],
        },
      },
    });
    await client.create(agentSLOs, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentSLO',
      metadata: { name: 'support-latency', namespace },
      spec: {
        agentSelector: { matchLabels: { 'governor.agents.dev/agent': 'support' } },
        window: '28d',
        objectives: { latency: { threshold: '250ms', target: '95' }, success: { target: '99.5' } },
        prometheusRule: { enabled: false },
      },
    } as unknown as AgentSLO);
    // Sign-offs recorded (Audit: nothing refused) — the cluster admin is the owner here.
    await client.create(approvalPolicies, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'ApprovalPolicy',
      metadata: { name: policy },
      spec: {
        mode: 'Audit',
        namespaceSelector: { matchLabels: { [ZONE_LABEL]: namespace } },
        roles: [{ name: 'owner', groups: ['system:masters'] }],
      },
    } as unknown as ApprovalPolicy);
  });

  after(async () => {
    await operator?.process.stop();
    if (client)
      await cleanUpAdmission(client, {
        namespaces: [namespace, operatorNamespace],
        policyPrefix: POLICY_PREFIX,
      });
    await close?.();
  });

  it('records the admission refusal in the policy status, naming the endpoint, its region and the user', async () => {
    assert.match(refusal, /api\.openai\.com/);
    const recorded = await eventually('the refusal in the policy status', async () => {
      const stored = await client.get(dataResidencyPolicies, { name: policy });
      return stored?.status?.refusals?.length ? stored.status : undefined;
    });
    assert.equal(recorded.refusalCount, 1);
    assert.deepEqual(
      { ...recorded.refusals?.[0], time: undefined },
      {
        time: undefined,
        namespace,
        kind: 'Deployment',
        name: 'research-agent',
        agent: 'research',
        user: 'agent-governor-admin',
        container: 'agent',
        source: 'env OPENAI_BASE_URL',
        endpoint: 'https://api.openai.com/v1',
        host: 'api.openai.com',
        region: 'us',
        jurisdiction: 'US',
      },
    );
  });

  it('maps every agent, its versions and flows, and shows the US endpoint as refused (json)', async () => {
    await eventually('the refusal in the status', async () =>
      (await client.get(dataResidencyPolicies, { name: policy }))?.status?.refusals?.length
        ? true
        : undefined,
    );
    const map = JSON.parse(await dataflows('-o', 'json')) as DataflowMap;
    assert.deepEqual(
      map.agents.map((a) => [a.name, a.workloads.map((w) => w.kind)]),
      [
        ['marketing', ['CronJob', 'Deployment']],
        ['research', []],
        ['support', ['Deployment']],
      ],
    );
    const flow = (agent: string, destination: string) =>
      map.flows.find((f) => f.agent === `${namespace}/${agent}` && f.destination === destination);
    assert.equal(flow('research', 'LLM:api.openai.com')?.residency, 'refused');
    assert.equal(flow('research', 'LLM:api.openai.com')?.refusedAtAdmission, true);
    assert.equal(flow('marketing', 'LLM:eu.api.openai.com')?.residency, 'allowed');
    assert.equal(flow('marketing', 'Qdrant:campaigns.us-east4-0.gcp.cloud.qdrant.io')?.residency, 'refused');
    assert.equal(flow('marketing', 'Declared:s3://acme-campaign-exports/daily/')?.residency, 'refused');
    assert.equal(flow('support', 'LLM:eu.api.openai.com')?.observed[0]?.requests, 10);
    const support = map.agents.find((a) => a.name === 'support');
    assert.match(support?.workloads[0]?.parts.configMaps['support-prompt'] ?? '', /^sha256:/);
  });

  it('prints the table', async () => {
    const table = await dataflows();
    assert.match(
      table,
      new RegExp(
        `${namespace}/research\\s+api\\.openai\\.com\\s+LLM OpenAI\\s+us \\(US\\).*refused \\(${policy}, Enforce\\) at admission`,
      ),
    );
  });

  it('draws an SVG, laid out by Graphviz, that Chromium shows with every agent and every region', async (t) => {
    const file = join(OUTPUT_DIR, 'dataflows.svg');
    await dataflows('-o', 'svg', '--output', file);
    const svg = readFileSync(file, 'utf8');
    assert.match(svg, /<!-- Generated by graphviz version/);
    const browser = await launchChromium();
    try {
      await browser.page.goto(`file://${file}`);
      const texts = (await svgTexts(browser.page)).join('\n');
      for (const agent of ['agent marketing', 'agent research', 'agent support (critical)']) {
        assert.ok(texts.includes(agent), `${agent} is shown; texts:\n${texts}`);
      }
      for (const region of [
        'region eu (EU)',
        'region us (US)',
        'region swedencentral (EU)',
        'region us-east4 (US)',
        'region us-east-1 (US)',
        'region in cluster',
      ]) {
        assert.ok(texts.includes(region), `${region} is shown`);
      }
      assert.ok(texts.includes(`REFUSED at admission (${policy})`), 'the refused US endpoint is labelled');
      const box = await browser.page.$eval('svg', (svg) => svg.getBoundingClientRect().toJSON());
      assert.ok(box.width > 300 && box.height > 200, `the picture has a size: ${JSON.stringify(box)}`);
      // A screenshot of the picture as a page shows it (a bare SVG document has no page to capture).
      await browser.page.goto('about:blank');
      await browser.page.setContent(
        `<!doctype html><body style="margin:0">${svg.slice(svg.indexOf('<svg'))}</body>`,
      );
      const png = join(OUTPUT_DIR, 'dataflows.png');
      await browser.page.screenshot({ path: png, fullPage: true });
      t.diagnostic(`SVG ${file}, screenshot ${png}`);
    } finally {
      await browser.close();
    }
    writeFileSync(join(OUTPUT_DIR, 'dataflows.dot'), await dataflows('-o', 'dot'));
  });

  it('writes the audit report: JSON baseline, then HTML read in Chromium and printed to PDF, and Markdown', async (t) => {
    const report = async (format: string, file: string, ...extra: string[]) =>
      run(process.execPath, [
        AGENT_GOVERNOR_BIN,
        'audit',
        'report',
        file,
        '-o',
        format,
        '--kubeconfig',
        cluster.kubeconfig,
        '-n',
        namespace,
        '--operator-namespace',
        operatorNamespace,
        '--since',
        new Date(Date.now() - DAY_MS).toISOString(),
        ...extra,
      ]);
    const baselineFile = join(OUTPUT_DIR, 'audit-baseline.json');
    await report('json', baselineFile);
    const baseline = JSON.parse(readFileSync(baselineFile, 'utf8')) as AuditReport;
    assert.equal(baseline.kind, 'AgentGovernorAuditReport');
    const support = baseline.agents.find((a) => a.id === `${namespace}/support`);
    const version = support?.workloads[0]?.version ?? '';
    assert.match(version, /^v1-/);
    assert.deepEqual(
      baseline.residency.refusals.map((r) => [r.name, r.endpoint, r.policy]),
      [['research-agent', 'https://api.openai.com/v1', policy]],
    );
    assert.deepEqual(
      baseline.slos[0]?.days.map((d) => [d.calls, d.fast, d.met]),
      [[10, 1, false]],
    );
    assert.equal(baseline.slos[0]?.days[0]?.succeeded, 0.9);
    assert.deepEqual(
      baseline.retention.map((r) => r.data),
      ['usageHistory', 'responseCache'],
    );

    await client.create(agentApprovals, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'AgentApproval',
      metadata: { name: 'support-owner', namespace },
      spec: {
        agent: 'support',
        version,
        role: 'owner',
        approver: 'agent-governor-admin',
        comment: 'release 2.0.0',
      },
    });
    const htmlFile = join(OUTPUT_DIR, 'audit-report.html');
    await report('html', htmlFile, '--previous', baselineFile);
    const browser = await launchChromium();
    try {
      await browser.page.goto(`file://${htmlFile}`);
      const contents = await browser.page.$$eval('nav li a', (links) => links.map((a) => a.textContent));
      assert.deepEqual(contents, [
        'Summary',
        'Agents and versions',
        'Approvals',
        'Dataflow map',
        'Residency refusals and violations',
        'Budget crossings, suspensions and other events',
        'SLO attainment',
        'Retention',
        'Changes since the last report',
      ]);
      t.diagnostic(`table of contents: ${contents.join(' · ')}`);
      // biome-ignore lint/performance/useDomNodeTextContent: the text as rendered is what a reader sees
      const text = await browser.page.innerText('body');
      assert.match(text, /agent-governor-admin/);
      assert.match(
        text,
        new RegExp(`approval: owner agent-governor-admin approved ${namespace}/support ${version}`),
      );
      assert.match(text, /research-agent/);
      assert.match(text, /ResidencyRefused\s+DataResidencyPolicy /, 'the refusal Event is in the period');
      const svgText = (await svgTexts(browser.page)).join('\n');
      for (const shown of ['agent marketing', 'agent research', 'region us (US)', 'region eu (EU)']) {
        assert.ok(svgText.includes(shown), `${shown} in the report's picture`);
      }
      const visible = await browser.page.isVisible('figure.map svg');
      assert.ok(visible, 'the dataflow picture is visible');
      await browser.page.screenshot({ path: join(OUTPUT_DIR, 'audit-report.png'), fullPage: true });
      const pdf = join(OUTPUT_DIR, 'audit-report.pdf');
      await browser.page.pdf({ path: pdf, format: 'A4', printBackground: true });
      const bytes = readFileSync(pdf);
      assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
      assert.ok(bytes.length > 20_000, `a PDF with content: ${bytes.length} bytes`);
      t.diagnostic(`report ${htmlFile}, screenshot audit-report.png, PDF ${bytes.length} bytes`);
    } finally {
      await browser.close();
    }

    const mdFile = join(OUTPUT_DIR, 'audit-report.markdown');
    await report('md', mdFile, '--previous', htmlFile);
    const markdown = readFileSync(mdFile, 'utf8');
    assert.match(markdown, /^# Agent governance audit report/);
    assert.match(markdown, /!\[Dataflow map\]\(audit-report-dataflows\.svg\)/);
    assert.match(readFileSync(join(OUTPUT_DIR, 'audit-report-dataflows.svg'), 'utf8'), /<svg/);
    assert.match(markdown, /_Nothing changed\._/);
  });
});
