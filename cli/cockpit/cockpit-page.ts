// The cockpit's HTML, rendered on the server (pure): the page shell, the live part (`renderMain`,
// also what each Server-Sent Event carries) and the sign-in page. Every chart has a table with the
// same numbers; the only script opens the event stream and swaps the live part in.
import { createHash } from 'node:crypto';
import type { BudgetRow, CockpitView, CostByCurrency, UsageRow } from './cockpit-view.js';
import { barChart, columnChart, escapeHtml as e } from './svg-charts.js';

/** The page's only script: live updates without reload. */
export const LIVE_SCRIPT =
  "const live=document.getElementById('live');const es=new EventSource('events');" +
  "es.addEventListener('main',(m)=>{live.innerHTML=m.data;document.body.dataset.connection='live';});" +
  "es.onerror=()=>{document.body.dataset.connection='lost';};";

/** Content-Security-Policy of every page: nothing but this origin, the inline style, the one script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  `script-src 'sha256-${createHash('sha256').update(LIVE_SCRIPT).digest('base64')}'`,
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

const STYLE = `
:root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;background:#f6f7f9}
body{margin:0}header{background:#14213d;color:#fff;padding:.8rem 1.5rem;display:flex;gap:1rem;align-items:baseline;flex-wrap:wrap}
header h1{font-size:1.25rem;margin:0}header p{margin:0;opacity:.9}header form{margin-left:auto}
main{padding:1rem 1.5rem;display:grid;gap:1.2rem}section{background:#fff;border:1px solid #d8dde3;border-radius:6px;padding:.8rem 1rem;overflow-x:auto}
h2{font-size:1.05rem;margin:.2rem 0 .6rem}table{border-collapse:collapse;font-size:.9rem;margin-top:.5rem}
caption{text-align:left;font-weight:600;padding-bottom:.3rem}th,td{padding:.25rem .6rem;border-bottom:1px solid #e4e7eb;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}dl.summary{display:flex;gap:2rem;margin:0;flex-wrap:wrap}
dl.summary div{min-width:9rem}dt{font-size:.8rem;color:#4a5560}dd{margin:0;font-size:1.5rem;font-weight:600}
.chart text{font-size:12px;fill:#1b1f24}.chart rect{fill:#2f6fde}.chart rect.future{fill:none;stroke:#b8c2cc}.chart line{stroke:#8a96a3}
.phase{padding:.1rem .45rem;border-radius:4px;font-weight:600}.phase-Active{background:#dff3e4;color:#14532d}
.phase-Warning{background:#fff1c2;color:#713f12}.phase-Exhausted{background:#fde0e0;color:#7f1d1d}.phase-Pending{background:#e4e7eb}
.crossed{font-weight:700}.alert{color:#9a3412;font-weight:600}details{margin-top:.4rem}.muted{color:#4a5560}
body[data-connection=lost] header::after{content:"live updates paused: reconnecting";color:#ffd166}
`;

const number = (n: number | undefined) => (n === undefined ? '—' : n.toLocaleString('en-US'));

/** "1.2345 USD + 0.5 EUR"; "—" when nothing was priced. */
export function costText(cost: CostByCurrency): string {
  const parts = Object.entries(cost)
    .sort((a, b) => b[1] - a[1])
    .map(([currency, micros]) => `${(micros / 1e6).toFixed(micros < 1_000_000 ? 4 : 2)} ${currency}`);
  return parts.length > 0 ? parts.join(' + ') : '—';
}

function usageCells(row: UsageRow): string {
  return (
    `<td class="n">${number(row.tokens)}</td><td class="n">${number(row.inputTokens)}</td>` +
    `<td class="n">${number(row.outputTokens)}</td><td class="n">${number(row.requests)}</td>` +
    `<td class="n">${e(costText(row.cost))}</td>`
  );
}

const USAGE_HEADERS =
  '<th scope="col" class="n">Tokens</th><th scope="col" class="n">Input</th><th scope="col" class="n">Output</th>' +
  '<th scope="col" class="n">Calls</th><th scope="col" class="n">Cost</th>';

function table(caption: string, head: string, rows: readonly string[], empty: string): string {
  if (rows.length === 0) return `<p class="muted">${e(empty)}</p>`;
  return `<table><caption>${e(caption)}</caption><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const manifestLink = (kind: string, namespace: string, name: string) =>
  `<a href="manifest/${encodeURIComponent(kind)}/${encodeURIComponent(namespace)}/${encodeURIComponent(name)}">manifest</a>`;

function budgetCells(b: BudgetRow): string {
  const used = [
    b.limitTokens !== undefined
      ? `${number(b.usedTokens ?? 0)} / ${number(b.limitTokens)} tokens`
      : undefined,
    b.limitCost !== undefined ? `${b.usedCost ?? '0'} / ${b.limitCost} ${b.currency}` : undefined,
  ].filter((x): x is string => x !== undefined);
  const thresholds = b.thresholds
    .map((t) => `<span class="${t.crossed ? 'crossed' : ''}">${t.percent} % ${e(t.actions.join('+'))}</span>`)
    .join(', ');
  const forecast =
    b.forecastPercent === undefined
      ? '<span class="muted">too early</span>'
      : `${b.forecastPercent} %${b.forecastAboveAlert ? ` <span class="alert">over ${b.forecastAlertPercent} %</span>` : ''}` +
        ` <span class="muted">(${e(b.forecastMethod ?? '')})</span>`;
  return (
    `<th scope="row">${e(b.name)}</th><td>${e(b.namespace)}</td>` +
    `<td><span class="phase phase-${e(b.phase)}">${e(b.phase)}</span></td>` +
    `<td>${e(used.join(' and '))}</td><td class="n">${b.percent === undefined ? '—' : `${b.percent} %`}</td>` +
    `<td>${thresholds || '—'}</td><td>${forecast}</td><td>${e(b.activeActions.join(', ') || 'none')}</td>` +
    `<td>${e(b.periodEnd ?? '—')}</td><td>${manifestLink('tokenbudgets', b.namespace, b.name)}</td>`
  );
}

/** The live part of the page: everything below the header. */
export function renderMain(view: CockpitView): string {
  const budgetsAtRisk = view.budgets.filter((b) => b.phase !== 'Active' || b.forecastAboveAlert).length;
  const summary =
    `<dl class="summary"><div><dt>Tokens today</dt><dd id="tokens-today">${number(view.total.tokens)}</dd></div>` +
    `<div><dt>Spend today</dt><dd id="spend-today">${e(costText(view.total.cost))}</dd></div>` +
    `<div><dt>Calls today</dt><dd>${number(view.total.requests)}</dd></div>` +
    `<div><dt>Budgets at risk</dt><dd>${budgetsAtRisk} of ${view.budgets.length}</dd></div>` +
    `<div><dt>Suspended workloads</dt><dd>${view.suspended.length}</dd></div></dl>`;

  const budgets = table(
    'Each budget, its thresholds (crossed in bold), forecast and phase',
    '<th scope="col">Budget</th><th scope="col">Namespace</th><th scope="col">Phase</th><th scope="col">Used</th>' +
      '<th scope="col" class="n">%</th><th scope="col">Thresholds</th><th scope="col">Forecast at reset</th>' +
      '<th scope="col">Actions in force</th><th scope="col">Resets</th><th scope="col">Manifest</th>',
    view.budgets.map(
      (b) =>
        `<tr id="budget-${e(b.namespace)}-${e(b.name)}" data-phase="${e(b.phase)}">${budgetCells(b)}</tr>`,
    ),
    'No TokenBudget in these namespaces.',
  );

  const periodRows = view.budgets.flatMap((b) =>
    b.period.map(
      (r) =>
        `<tr><th scope="row">${e(b.name)}</th><td>${e(b.namespace)}</td><td>${e(r.useCase)}</td><td>${e(r.model)}</td>${usageCells(r)}</tr>`,
    ),
  );
  const budgetPeriods =
    periodRows.length === 0
      ? ''
      : `<details><summary>This period, by use case and model</summary>${table(
          "Each budget's period so far by use case and model (its agents' ledgers, before pricing in its currency)",
          `<th scope="col">Budget</th><th scope="col">Namespace</th><th scope="col">Use case</th><th scope="col">Model</th>${USAGE_HEADERS}`,
          periodRows,
          '',
        )}</details>`;
  const agentChart = barChart(
    'Tokens today per agent',
    view.agents.map((a) => ({ label: `${a.namespace}/${a.agent}`, value: a.tokens, text: number(a.tokens) })),
  );
  const agents = table(
    'Tokens and spend today per agent',
    `<th scope="col">Agent</th><th scope="col">Namespace</th>${USAGE_HEADERS}`,
    view.agents.map(
      (a) =>
        `<tr data-agent="${e(`${a.namespace}/${a.agent}`)}"><th scope="row">${e(a.agent)}</th><td>${e(a.namespace)}</td>${usageCells(a)}</tr>`,
    ),
    'No usage recorded today.',
  );
  const useCaseChart = barChart(
    'Tokens today per use case',
    view.useCases.map((u) => ({ label: u.useCase, value: u.tokens, text: number(u.tokens) })),
  );
  const useCases = table(
    'Tokens and spend today per use case (header x-governor-use-case)',
    `<th scope="col">Use case</th>${USAGE_HEADERS}`,
    view.useCases.map(
      (u) => `<tr data-use-case="${e(u.useCase)}"><th scope="row">${e(u.useCase)}</th>${usageCells(u)}</tr>`,
    ),
    'No usage recorded today.',
  );
  const hourChart = columnChart(
    `Tokens per hour today (${view.timeZone})`,
    view.hours.map((h) => ({
      label: h.label,
      value: h.tokens,
      text: `${number(h.tokens)} tokens`,
      future: h.future,
    })),
  );
  const hours = table(
    `Tokens and spend per hour today (${view.timeZone})`,
    `<th scope="col">Hour</th>${USAGE_HEADERS}`,
    view.hours
      .filter((h) => !h.future)
      .map((h) => `<tr data-hour="${e(h.label)}"><th scope="row">${e(h.label)}:00</th>${usageCells(h)}</tr>`),
    'The day has just begun.',
  );
  const breakdown = table(
    'Today by agent, use case and model',
    `<th scope="col">Agent</th><th scope="col">Namespace</th><th scope="col">Use case</th><th scope="col">Model</th>${USAGE_HEADERS}`,
    view.breakdown.map(
      (r) =>
        `<tr><th scope="row">${e(r.agent)}</th><td>${e(r.namespace)}</td><td>${e(r.useCase)}</td><td>${e(r.model)}</td>${usageCells(r)}</tr>`,
    ),
    'No usage recorded today.',
  );
  const suspended = table(
    'Workloads budgets hold suspended, and when they come back',
    '<th scope="col">Workload</th><th scope="col">Namespace</th><th scope="col">Budget</th>' +
      '<th scope="col" class="n">Replicas kept</th><th scope="col">Back at</th>',
    view.suspended.map(
      (s) =>
        `<tr><th scope="row">${e(`${s.kind}/${s.name}`)}</th><td>${e(s.namespace)}</td><td>${e(s.budget)}</td>` +
        `<td class="n">${number(s.previousReplicas)}</td><td>${e(s.back ?? '—')}</td></tr>`,
    ),
    'No workload is suspended.',
  );
  const slos = table(
    'Error budget left and burn rate per AgentSLO',
    '<th scope="col">SLO</th><th scope="col">Namespace</th><th scope="col" class="n">Error budget left</th>' +
      '<th scope="col" class="n">Burn 5m</th><th scope="col" class="n">Burn 1h</th><th scope="col" class="n">Burn 1d</th>' +
      '<th scope="col">Fast burn</th><th scope="col">Manifest</th>',
    view.slos.map(
      (s) =>
        `<tr><th scope="row">${e(s.name)}</th><td>${e(s.namespace)}</td>` +
        `<td class="n">${e(s.errorBudgetRemainingPercent ? `${s.errorBudgetRemainingPercent} %` : '—')}</td>` +
        `<td class="n">${e(s.burn['5m'] ?? '—')}</td><td class="n">${e(s.burn['1h'] ?? '—')}</td>` +
        `<td class="n">${e(s.burn['1d'] ?? '—')}</td><td>${s.fastBurn ? '<span class="alert">yes</span>' : 'no'}</td>` +
        `<td>${manifestLink('agentslos', s.namespace, s.name)}</td></tr>`,
    ),
    'No AgentSLO in these namespaces.',
  );
  const refusals = table(
    'Workloads refused at admission for sending data outside the allowed regions',
    '<th scope="col">When</th><th scope="col">Workload</th><th scope="col">Namespace</th><th scope="col">Policy</th>' +
      '<th scope="col">Endpoint</th><th scope="col">Region</th>',
    view.refusals.map(
      (r) =>
        `<tr><td>${e(r.time)}</td><th scope="row">${e(`${r.kind}/${r.name}`)}</th><td>${e(r.namespace)}</td>` +
        `<td>${e(r.policy)}</td><td>${e(r.endpoint)}</td><td>${e(r.region || 'unknown')}</td></tr>`,
    ),
    'No residency refusal.',
  );
  const updated = `<p class="muted" id="updated" aria-live="polite">Today in ${e(view.timeZone)} since ${e(
    view.day.start.toISOString(),
  )}; updated ${e(view.now.toISOString())}; namespaces: ${e(view.namespaces.join(', ') || 'none you may read')}.</p>`;
  return (
    `${updated}<section aria-labelledby="h-today"><h2 id="h-today">Today at a glance</h2>${summary}</section>` +
    `<section aria-labelledby="h-budgets"><h2 id="h-budgets">Budgets</h2>${budgets}${budgetPeriods}</section>` +
    `<section aria-labelledby="h-agents"><h2 id="h-agents">Tokens and spend per agent</h2>${agentChart}${agents}</section>` +
    `<section aria-labelledby="h-use-cases"><h2 id="h-use-cases">Per use case</h2>${useCaseChart}${useCases}</section>` +
    `<section aria-labelledby="h-hours"><h2 id="h-hours">Per hour</h2>${hourChart}<details><summary>The hours as a table</summary>${hours}</details></section>` +
    `<section aria-labelledby="h-breakdown"><h2 id="h-breakdown">By agent, use case and model</h2>${breakdown}</section>` +
    `<section aria-labelledby="h-suspended"><h2 id="h-suspended">Suspended workloads</h2>${suspended}</section>` +
    `<section aria-labelledby="h-slos"><h2 id="h-slos">SLO burn</h2>${slos}</section>` +
    `<section aria-labelledby="h-refusals"><h2 id="h-refusals">Residency refusals</h2>${refusals}</section>`
  );
}

function shell(title: string, header: string, body: string, script: boolean): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width,initial-scale=1"><title>${e(title)}</title>` +
    `<style>${STYLE}</style></head><body>${header}${body}${script ? `<script>${LIVE_SCRIPT}</script>` : ''}</body></html>`
  );
}

/** The whole cockpit page for `user`. */
export function renderPage(view: CockpitView, user: string): string {
  const header =
    `<header><h1>agent-governor cockpit</h1><p>Signed in as <strong>${e(user)}</strong></p>` +
    `<form method="post" action="logout"><button type="submit">Sign out</button></form></header>`;
  return shell('agent-governor cockpit', header, `<main id="live">${renderMain(view)}</main>`, true);
}

/** The sign-in page: a Kubernetes bearer token, checked with a TokenReview. */
export function renderSignIn(problem?: string): string {
  const header = '<header><h1>agent-governor cockpit</h1></header>';
  const body =
    `<main><section aria-labelledby="h-sign-in"><h2 id="h-sign-in">Sign in</h2>` +
    (problem ? `<p class="alert" role="alert">${e(problem)}</p>` : '') +
    `<form method="post" action="login"><p><label for="token">Kubernetes bearer token</label></p>` +
    `<p><textarea id="token" name="token" rows="4" cols="80" required autocomplete="off"></textarea></p>` +
    `<p class="muted">For example <code>kubectl create token &lt;service-account&gt; -n &lt;namespace&gt;</code>. ` +
    'The cockpit shows the namespaces whose TokenBudgets you may list; it keeps who you are, never the token.</p>' +
    `<p><button type="submit">Sign in</button></p></form></section></main>`;
  return shell('Sign in: agent-governor cockpit', header, body, false);
}

/** A manifest, read-only, as YAML. */
export function renderManifest(title: string, yaml: string): string {
  const header =
    '<header><h1>agent-governor cockpit</h1><p><a href="../../../" style="color:#fff">back</a></p></header>';
  return shell(
    title,
    header,
    `<main><section><h2>${e(title)}</h2><pre>${e(yaml)}</pre></section></main>`,
    false,
  );
}
