// The chart's monitoring parts, judged by what reads them: promtool (Debian's prometheus package)
// accepts the PrometheusRule and every PromQL query of the Grafana dashboard, and every metric they
// name is one the operator, the webhooks or the sidecars really export (their own registries), so
// no panel or alert stays silently empty; the PodMonitor selects the pods and port the sidecar
// injection produces with the chart's own operator flags.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Registry } from 'prom-client';
import { stringify } from 'yaml';
import { sloMetrics } from '../../controllers/agent-slo/slo-metrics.js';
import { routeMetrics } from '../../controllers/fallback-route/route-metrics.js';
import { budgetMetrics } from '../../controllers/token-budget/budget-metrics.js';
import { createOperatorMetrics } from '../../runtime/metrics/operator-metrics.js';
import { SidecarMetrics } from '../../sidecar/telemetry/sidecar-metrics.js';
import { createSidecarServicesMetrics } from '../../sidecar-services/sidecar-services-metrics.js';
import {
  CHART_DIR,
  findObject,
  type Manifest,
  renderChart,
  renderChartText,
} from '../../tools/chart-rendering.js';
import { runTool } from '../../tools/gitops-tools.js';
import { defaultInjectionOptions } from '../../webhooks/injection/injection-options.js';
import { sidecarPlan } from '../../webhooks/injection/sidecar-container.js';
import { sidecarPodPatch } from '../../webhooks/injection/sidecar-pod-patch.js';
import { applyJsonPatch } from '../../webhooks/injection/testdata/apply-json-patch.js';
import { createAdmissionMetrics } from '../../webhooks/server/admission-metrics.js';

interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: { expr: string; datasource?: { uid: string } }[];
}

const dashboard = JSON.parse(
  readFileSync(join(CHART_DIR, 'files', 'dashboards', 'agent-governor.json'), 'utf8'),
) as {
  uid: string;
  panels: Panel[];
};
const queries = dashboard.panels.flatMap((p) =>
  (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr })),
);

/** Every series name the project's registries can export (histograms with their _bucket/_sum/_count). */
async function exportedNames(): Promise<Set<string>> {
  const operator = new Registry();
  createOperatorMetrics(operator, { processMetrics: false });
  budgetMetrics(operator);
  sloMetrics(operator);
  routeMetrics(operator);
  createSidecarServicesMetrics(operator);
  createAdmissionMetrics(operator);
  const sidecar = new SidecarMetrics(new Registry(), { processMetrics: false });
  const names = new Set<string>();
  for (const registry of [operator, sidecar.registry]) {
    for (const metric of await registry.getMetricsAsJSON()) {
      names.add(metric.name);
      if (String(metric.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) names.add(metric.name + s);
    }
  }
  return names;
}

/** The dashboard's Prometheus data source is a variable, chosen in Grafana. */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template.
const GRAFANA_DATASOURCE_VARIABLE = '${datasource}';

const metricNames = (expr: string) => [...new Set(expr.match(/\bgovernor_[a-z0-9_]+/g) ?? [])];

describe('monitoring: PrometheusRule and Grafana dashboard', () => {
  let rule: Manifest;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'chart-monitoring-'));
    rule = findObject(await renderChart({ valuesFiles: ['ci/all-features-values.yaml'] }), 'PrometheusRule');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("passes `promtool check rules` with the operator's alerts", async () => {
    const file = join(dir, 'operator-rules.yaml');
    writeFileSync(file, stringify({ groups: rule['spec'].groups }));
    const checked = await runTool('promtool', ['check', 'rules', file]);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
    const alerts = rule['spec'].groups.flatMap((g: Manifest) => g.rules.map((r: Manifest) => r.alert));
    assert.match(checked.stdout, new RegExp(`SUCCESS: ${alerts.length} rules found`));
    for (const r of rule['spec'].groups.flatMap((g: Manifest) => g.rules)) {
      assert.match(r.annotations.runbook_url, /docs\/runbooks\/agent-governor-operator\.md#/);
      assert.ok(['critical', 'warning', 'info'].includes(r.labels.severity), r.alert);
    }
    const runbook = readFileSync(
      join(CHART_DIR, '..', '..', 'docs', 'runbooks', 'agent-governor-operator.md'),
      'utf8',
    );
    for (const alert of alerts)
      assert.match(runbook, new RegExp(`^## ${alert}$`, 'm'), `runbook section ${alert}`);
  });

  it('has dashboard queries promtool accepts as PromQL', async () => {
    // Grafana variables become matchers that select everything, as "All" does.
    const file = join(dir, 'dashboard-queries.yaml');
    const rules = queries.map((q, i) => ({
      record: `dashboard:query_${i}`,
      expr: q.expr.replaceAll(/\$[a-z]+/g, '.*'),
    }));
    writeFileSync(file, stringify({ groups: [{ name: 'dashboard', rules }] }));
    const checked = await runTool('promtool', ['check', 'rules', file]);
    assert.equal(checked.code, 0, checked.stdout + checked.stderr);
  });

  it('names only metrics the operator, webhooks and sidecars export', async () => {
    const exported = await exportedNames();
    const used = [
      ...queries,
      ...rule['spec'].groups.flatMap((g: Manifest) =>
        g.rules.map((r: Manifest) => ({ panel: r.alert, expr: r.expr })),
      ),
    ];
    for (const { panel, expr } of used) {
      for (const name of metricNames(expr))
        assert.ok(exported.has(name), `${panel}: ${name} is not exported`);
    }
  });

  it('shows tokens per agent per hour, budget %, SLO error budget and burn, fallbacks and cache hit rate', () => {
    const byTitle = (pattern: RegExp) => {
      const panel = dashboard.panels.find((p) => pattern.test(p.title));
      assert.ok(panel, `a panel titled ${pattern}`);
      return (panel.targets ?? []).map((t) => t.expr).join(' ');
    };
    assert.match(
      byTitle(/^Tokens per agent per hour$/),
      /increase\(governor_sidecar_tokens_total\{.*\}\[1h\]\)/,
    );
    assert.match(
      byTitle(/^Tokens per use case per hour$/),
      /sum by \(use_case\) \(increase\(governor_sidecar_tokens_total\{.*\}\[1h\]\)\)/,
    );
    assert.match(
      byTitle(/^Cost per use case per hour/),
      /by \(use_case\).*governor_sidecar_cost_micro_usd_total/,
    );
    assert.match(byTitle(/^Tokens in the last 24 hours by agent and use case$/), /by \(agent, use_case\)/);
    // Only failures: cache hits, client errors and budget refusals are outcomes, not failures.
    const failed = byTitle(/^Failed calls/);
    assert.match(failed, /outcome=~"ServerError\|Timeout\|StaticFallback"/);
    assert.doesNotMatch(failed, /outcome!=/);
    assert.match(byTitle(/^Budget used/), /governor_operator_budget_percent/);
    assert.match(byTitle(/^Budget forecast at reset/), /governor_operator_budget_forecast_percent/);
    assert.match(byTitle(/^Error budget left$/), /governor_operator_slo_error_budget_remaining/);
    assert.match(byTitle(/^Burn rate/), /governor_operator_slo_burn_rate/);
    assert.match(byTitle(/^Fallbacks per minute$/), /governor_sidecar_fallbacks_total/);
    assert.match(
      byTitle(/^Cache hit rate$/),
      /governor_sidecar_cache_hits_total.*governor_sidecar_cache_misses_total/,
    );
    const ids = dashboard.panels.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length, 'panel ids are unique');
    for (const p of dashboard.panels.filter((x) => x.type !== 'row')) {
      for (const t of p.targets ?? []) assert.equal(t.datasource?.uid, GRAFANA_DATASOURCE_VARIABLE, p.title);
    }
  });

  it('ships the dashboard in a ConfigMap the Grafana sidecar picks up', async () => {
    const objects = await renderChart({ valuesFiles: ['ci/all-features-values.yaml'] });
    const configMap = findObject(objects, 'ConfigMap', 'agent-governor-dashboard');
    assert.equal(configMap['metadata'].labels.grafana_dashboard, '1');
    assert.equal(JSON.parse(configMap['data']['agent-governor.json']).uid, dashboard.uid);
  });
});

describe("monitoring: the sidecars' PodMonitor", () => {
  /** A pod as the webhook injects it, with the sidecar options the rendered operator flags give. */
  function injectedPod(objects: Manifest[]) {
    const args: string[] = findObject(objects, 'Deployment').spec.template.spec.containers[0].args;
    const flag = (name: string) => Number(args.find((a) => a.startsWith(`${name}=`))?.split('=')[1]);
    const options = {
      ...defaultInjectionOptions('agent-governor'),
      port: flag('--sidecar-port'),
      metricsPort: flag('--sidecar-metrics-port'),
    };
    const pod = {
      metadata: { labels: { 'governor.agents.dev/agent': 'support' } },
      spec: { containers: [{ name: 'app', image: 'agent:1' }] },
    };
    const plan = sidecarPlan({ namespace: 'agents', name: 'support' }, [], options);
    return applyJsonPatch(pod, sidecarPodPatch(pod, plan, options).patch) as Manifest;
  }

  it('selects injected pods in every namespace, on the port the injection declares', async () => {
    const objects = await renderChart({ valuesFiles: ['ci/all-features-values.yaml'] });
    const monitor = findObject(objects, 'PodMonitor');
    assert.deepEqual(monitor['spec'].namespaceSelector, { any: true });
    assert.equal(monitor['metadata'].labels.release, 'prometheus');
    const [endpoint, ...more] = monitor['spec'].podMetricsEndpoints;
    assert.deepEqual(more, []);
    assert.equal(endpoint.path, '/metrics');
    assert.equal(endpoint.interval, '15s');
    const pod = injectedPod(objects);
    for (const [key, value] of Object.entries(monitor['spec'].selector.matchLabels))
      assert.equal(pod['metadata'].labels[key], value, `the injected pod carries ${key}`);
    const sidecar = pod['spec'].initContainers[0];
    const port = sidecar.ports.find((p: Manifest) => p.name === endpoint.port);
    assert.equal(port?.containerPort, 9464, `the sidecar declares port ${endpoint.port}`);
    assert.equal(sidecar.args[sidecar.args.indexOf('--metrics-port') + 1], '9464');
  });

  it('follows sidecar.metricsPort, 0 turning the listener off, and refuses the proxy port', async () => {
    const moved = injectedPod(await renderChart({ values: { sidecar: { metricsPort: 9100 } } }));
    assert.equal(moved['spec'].initContainers[0].ports[0].containerPort, 9100);
    const off = injectedPod(await renderChart({ values: { sidecar: { metricsPort: 0 } } }));
    assert.equal(off['spec'].initContainers[0].ports, undefined);
    assert.equal(off['spec'].initContainers[0].args.includes('--metrics-port'), false);
    await assert.rejects(
      renderChartText({ values: { sidecar: { metricsPort: 4000 } } }),
      /sidecar\.metricsPort \(4000\) must differ from sidecar\.port/,
    );
  });
});
