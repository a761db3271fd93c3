// The PrometheusRule generated for an AgentSLO, judged by Prometheus' own tool (Debian's
// `prometheus` package; the test runner installs it before the integration suites,
// tools/test-prerequisites.ts): `promtool check rules` accepts the rule groups, and
// `promtool test rules` feeds synthetic sidecar series through them and checks which alerts fire.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { type AgentSLO, agentSLO } from '../../apis/agent-slo.js';
import {
  type AlertingRule,
  prometheusRule,
  type RuleGroup,
  ruleGroups,
} from '../../controllers/agent-slo/prometheus-rule.js';
import { example } from '../../testing/repo-files.js';

const run = promisify(execFile);
const MINUTES = 3 * 24 * 60;

async function promtool(args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run('promtool', args, { timeout: 120_000, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { code?: number | string; stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      assert.fail(
        'promtool is not installed: install Debian\'s "prometheus" package (apt-get install prometheus), ' +
          'or run the suites with `npm run test:integration`, which installs it as root',
      );
    }
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function exampleSLO(): AgentSLO {
  const parsed = agentSLO.parse(example('agent-slo-support.yaml'));
  return { ...parsed, metadata: { ...parsed.metadata, uid: '7d1c9a52-0000-4000-8000-000000000001' } };
}

function sloInput(slo: AgentSLO, agents: string[]) {
  return {
    slo: {
      metadata: {
        name: slo.metadata.name ?? '',
        namespace: slo.metadata.namespace ?? '',
        uid: slo.metadata.uid ?? '',
      },
      spec: slo.spec,
    },
    agents,
  };
}

/**
 * A counter rising by `healthy` a minute for three days, then by `burst` a minute for the last hour:
 * promtool's expanding notation, one sample a minute.
 */
function counter(healthy: number, burst: number): string {
  const turn = MINUTES - 60;
  return `0+${healthy}x${turn} ${healthy * turn + burst}+${burst}x59`;
}

const agentLabels = 'agent="agents/support",api="chat",route="gpt-4o",target="openai-eu"';

/** Three days of 1000 calls a minute; the last hour has `failing` failed and `slow` slow calls a minute. */
function series(failing: number, slow: number) {
  return [
    {
      series: `governor_sidecar_requests_total{${agentLabels},outcome="Success",status="200"}`,
      values: counter(999, 1000 - failing),
    },
    {
      series: `governor_sidecar_requests_total{${agentLabels},outcome="ServerError",status="502"}`,
      values: counter(1, failing),
    },
    {
      series: `governor_sidecar_requests_total{${agentLabels},outcome="CacheHit",status="200"}`,
      values: counter(0, 0),
    },
    {
      series:
        'governor_sidecar_request_duration_seconds_bucket{agent="agents/support",api="chat",route="gpt-4o",le="1"}',
      values: counter(1000, 1000 - slow),
    },
    {
      series:
        'governor_sidecar_request_duration_seconds_bucket{agent="agents/support",api="chat",route="gpt-4o",le="+Inf"}',
      values: counter(1000, 1000),
    },
    {
      series:
        'governor_sidecar_request_duration_seconds_count{agent="agents/support",api="chat",route="gpt-4o"}',
      values: counter(1000, 1000),
    },
    // Another agent, failing all along: the rules must not count it.
    {
      series:
        'governor_sidecar_requests_total{agent="agents/marketing",api="chat",route="gpt-4o",target="openai-eu",outcome="ServerError",status="502"}',
      values: counter(500, 500),
    },
  ];
}

describe('PrometheusRule for an AgentSLO, checked by promtool', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-promtool-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function writeRules(name: string, groups: RuleGroup[]): string {
    const path = join(dir, `${name}.rules.yaml`);
    writeFileSync(path, stringify({ groups }, { lineWidth: 0 }));
    return path;
  }

  const base = exampleSLO();
  const variants: { name: string; slo: AgentSLO; agents: string[]; rules: number }[] = [
    { name: 'the example SLO (latency and success)', slo: base, agents: ['support'], rules: 2 * (7 + 4) },
    {
      name: 'latency only, threshold inside a bucket',
      slo: {
        ...base,
        spec: { ...base.spec, objectives: { latency: { threshold: '1200ms', target: '99' } } },
      },
      agents: ['support', 'support.eu'],
      rules: 7 + 4,
    },
    {
      name: 'success only',
      slo: {
        ...base,
        spec: {
          ...base.spec,
          objectives: {
            success: { target: '99.95', countAsFailure: ['ServerError', 'Timeout', 'Rejected'] },
          },
        },
      },
      agents: ['support'],
      rules: 7 + 4,
    },
    { name: 'an SLO selecting no agent yet', slo: base, agents: [], rules: 2 * (7 + 4) },
  ];
  for (const v of variants) {
    it(`passes promtool check rules: ${v.name}`, async () => {
      const path = writeRules(v.name.replace(/\W+/g, '-'), ruleGroups(sloInput(v.slo, v.agents)));
      const { code, output } = await promtool(['check', 'rules', path]);
      assert.equal(code, 0, output);
      assert.match(output, new RegExp(`SUCCESS: ${v.rules} rules found`));
    });
  }

  it('is a PrometheusRule owned by the SLO, with its labels', () => {
    const rule = prometheusRule(sloInput(base, ['support']));
    assert.equal(rule.apiVersion, 'monitoring.coreos.com/v1');
    assert.equal(rule.metadata.name, 'support-latency-success-slo');
    assert.equal(rule.metadata.namespace, 'agents');
    assert.equal(rule.metadata.labels['release'], 'kube-prometheus-stack');
    assert.deepEqual(rule.metadata.ownerReferences, [
      {
        apiVersion: 'governor.agents.dev/v1alpha1',
        kind: 'AgentSLO',
        name: 'support-latency-success',
        uid: '7d1c9a52-0000-4000-8000-000000000001',
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);
  });

  const scenarios: {
    name: string;
    failing: number;
    slow: number;
    firing: { alert: string; objective: string }[];
  }[] = [
    {
      name: 'an hour of 10 % failures fires the fast-burn page for success, and nothing slower',
      failing: 100,
      slow: 0,
      firing: [{ alert: 'AgentSLOFastBurn', objective: 'success' }],
    },
    {
      name: 'an hour of 90 % slow calls fires the fast-burn page for latency only',
      failing: 0,
      slow: 900,
      firing: [{ alert: 'AgentSLOFastBurn', objective: 'latency' }],
    },
    { name: 'a healthy hour fires nothing', failing: 1, slow: 0, firing: [] },
  ];
  for (const s of scenarios) {
    it(`passes promtool test rules: ${s.name}`, async () => {
      const groups = ruleGroups(sloInput(base, ['support']));
      const rulesPath = writeRules(`scenario-${s.failing}-${s.slow}`, groups);
      const alerts = groups.flatMap((g) => g.rules).filter((r): r is AlertingRule => 'alert' in r);
      const alertnames = [...new Set(alerts.map((a) => a.alert))];
      const expected = (alertname: string) =>
        s.firing
          .filter((f) => f.alert === alertname)
          .map((f) => {
            const rule = alerts.find(
              (a) => a.alert === alertname && a.expr.includes(`objective="${f.objective}"`),
            );
            assert.ok(rule);
            return {
              exp_labels: { ...rule.labels, slo: 'support-latency-success', slo_namespace: 'agents' },
              exp_annotations: rule.annotations,
            };
          });
      const test = {
        rule_files: [rulesPath],
        // Rules run once an hour of the three days (enough for the check at the end, and fast); the
        // series have a sample a minute, so every window, 5m included, sees real rates.
        evaluation_interval: '1h',
        tests: [
          {
            interval: '1m',
            input_series: series(s.failing, s.slow),
            alert_rule_test: alertnames.map((alertname) => ({
              eval_time: `${MINUTES}m`,
              alertname,
              exp_alerts: expected(alertname),
            })),
          },
        ],
      };
      const testPath = join(dir, `scenario-${s.failing}-${s.slow}.test.yaml`);
      writeFileSync(testPath, stringify(test, { lineWidth: 0 }));
      const { code, output } = await promtool(['test', 'rules', testPath]);
      assert.equal(code, 0, output);
      assert.match(output, /SUCCESS/);
    });
  }
});
