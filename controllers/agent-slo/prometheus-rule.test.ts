import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentSLOSpec } from '../../apis/agent-slo.js';
import {
  type AlertingRule,
  allowedShare,
  prometheusRule,
  type RecordingRule,
  ruleGroups,
} from './prometheus-rule.js';

const spec: Pick<AgentSLOSpec, 'objectives' | 'prometheusRule'> = {
  objectives: {
    latency: { threshold: '1s', target: '95' },
    success: { target: '99.5', countAsFailure: ['ServerError', 'Timeout'] },
  },
  prometheusRule: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
};
const metadata = { name: 'support', namespace: 'agents', uid: 'uid-1' };

function rules(agents: string[], objectives = spec.objectives) {
  const [group] = ruleGroups({ slo: { metadata, spec: { ...spec, objectives } }, agents });
  assert.ok(group);
  return {
    name: group.name,
    recording: group.rules.filter((r): r is RecordingRule => 'record' in r),
    alerting: group.rules.filter((r): r is AlertingRule => 'alert' in r),
  };
}

describe('ruleGroups', () => {
  it('records the bad-call ratio of each objective over every window, then alerts, in one group', () => {
    const { name, recording, alerting } = rules(['support']);
    assert.equal(name, 'agent-governor.slo.agents.support');
    assert.deepEqual(
      recording.map((r) => `${r.labels['objective']}:${r.record}`),
      ['latency', 'success'].flatMap((o) =>
        ['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `${o}:governor_slo:error_ratio:rate${w}`),
      ),
    );
    assert.deepEqual(
      alerting.map((a) => `${a.labels['objective']}:${a.alert}:${a.labels['severity']}`),
      ['latency', 'success'].flatMap((o) => [
        `${o}:AgentSLOFastBurn:critical`,
        `${o}:AgentSLOHighBurn:critical`,
        `${o}:AgentSLOSteadyBurn:warning`,
        `${o}:AgentSLOSlowBurn:warning`,
      ]),
    );
  });

  it('reads the sidecar metrics of the selected agents only, regex-safe', () => {
    const { recording } = rules(['support', 'team.bot']);
    const latency5m = recording.find(
      (r) => r.labels['objective'] === 'latency' && r.record.endsWith('rate5m'),
    );
    assert.equal(
      latency5m?.expr,
      '1 - (sum(rate(governor_sidecar_request_duration_seconds_bucket{agent=~"agents/(support|team\\\\.bot)",le=~"1|1\\\\.0"}[5m])) / ' +
        'sum(rate(governor_sidecar_request_duration_seconds_count{agent=~"agents/(support|team\\\\.bot)"}[5m])))',
    );
    const success1h = recording.find(
      (r) => r.labels['objective'] === 'success' && r.record.endsWith('rate1h'),
    );
    assert.equal(
      success1h?.expr,
      '(sum(rate(governor_sidecar_requests_total{agent=~"agents/(support|team\\\\.bot)",outcome=~"ServerError|Timeout"}[1h])) or vector(0)) / ' +
        'sum(rate(governor_sidecar_requests_total{agent=~"agents/(support|team\\\\.bot)"}[1h]))',
    );
    assert.deepEqual(success1h?.labels, { slo: 'support', slo_namespace: 'agents', objective: 'success' });
  });

  it('uses the bucket bound below a threshold that falls inside a bucket', () => {
    const { recording } = rules(['support'], { latency: { threshold: '800ms', target: '99' } });
    assert.match(recording[0]?.expr ?? '', /le="0\.75"/);
  });

  it('pages on 14.4× over 1h and 5m against the objective budget', () => {
    const { alerting } = rules(['support']);
    const fast = alerting.find((a) => a.alert === 'AgentSLOFastBurn' && a.labels['objective'] === 'success');
    assert.equal(
      fast?.expr,
      'governor_slo:error_ratio:rate1h{slo="support",slo_namespace="agents",objective="success"} > (14.4 * 0.005) and ' +
        'governor_slo:error_ratio:rate5m{slo="support",slo_namespace="agents",objective="success"} > (14.4 * 0.005)',
    );
    assert.equal(fast?.labels['urgency'], 'page');
    assert.match(fast?.annotations['runbook_url'] ?? '', /agent-slo-burn-rate\.md#agentslofastburn$/);
  });

  it('refuses a latency threshold no bucket can measure, naming the field', () => {
    assert.throws(
      () => rules(['support'], { latency: { threshold: '10ms', target: '99' } }),
      /spec\.objectives\.latency\.threshold/,
    );
  });
});

describe('prometheusRule', () => {
  it('wraps the groups in a PrometheusRule owned by the SLO, with the extra labels', () => {
    const rule = prometheusRule({ slo: { metadata, spec }, agents: ['support'] });
    assert.equal(rule.kind, 'PrometheusRule');
    assert.equal(rule.metadata.name, 'support-slo');
    assert.deepEqual(rule.metadata.labels, {
      release: 'kube-prometheus-stack',
      'app.kubernetes.io/managed-by': 'agent-governor',
      'governor.agents.dev/slo': 'support',
    });
    assert.equal(rule.metadata.ownerReferences[0]?.uid, 'uid-1');
    assert.equal(rule.spec.groups.length, 1);
  });
});

describe('allowedShare', () => {
  const cases: [string, string][] = [
    ['99.5', '0.005'],
    ['95', '0.05'],
    ['99.95', '0.0005'],
    ['99.9999', '0.000001'],
    ['50', '0.5'],
  ];
  for (const [target, allowed] of cases)
    it(`${target} % leaves ${allowed}`, () => assert.equal(allowedShare(target), allowed));
});
