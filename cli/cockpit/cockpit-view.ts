// What the cockpit shows, decided from one read of the cluster, the namespaces a person may read and
// the clock (pure): today's tokens and cost per agent, use case, model and hour (from the ledgers'
// hourly usage), each budget with its thresholds, forecast and phase, the workloads budgets hold
// suspended and when they come back, SLO burn, residency refusals.
import type { AgentSLO } from '../../apis/agent-slo.js';
import { currentPeriod } from '../../apis/budget-period.js';
import type { DataResidencyPolicy } from '../../apis/data-residency-policy.js';
import { settleHours } from '../../apis/ledger/hourly-usage.js';
import { periodLines } from '../../apis/ledger/period-totals.js';
import type { TokenBudget } from '../../apis/token-budget.js';
import type { AgentUsageLedger, HourLine } from '../../apis/usage-ledger.js';

const HOUR = 3_600_000;

/** What the cockpit read of the cluster, with its own credentials, in one pass. */
export interface CockpitSnapshot {
  budgets: readonly TokenBudget[];
  ledgers: readonly AgentUsageLedger[];
  slos: readonly AgentSLO[];
  residencyPolicies: readonly DataResidencyPolicy[];
}

/** Micro-units of money by ISO 4217 currency (a line without a currency is USD). */
export type CostByCurrency = Record<string, number>;

export interface UsageRow {
  tokens: number;
  inputTokens: number;
  outputTokens: number;
  requests: number;
  cost: CostByCurrency;
}

export interface AgentRow extends UsageRow {
  namespace: string;
  agent: string;
}

export interface BreakdownRow extends UsageRow {
  namespace: string;
  agent: string;
  /** The use case; "(none)" for calls without one, "(other)" for those past the bound. */
  useCase: string;
  model: string;
}

export interface HourSlot extends UsageRow {
  start: Date;
  /** Local hour of the day in the cockpit's time zone, "00" to "23". */
  label: string;
  /** The slot has not begun yet. */
  future: boolean;
}

export interface BudgetRow {
  namespace: string;
  name: string;
  phase: string;
  percent?: number | undefined;
  usedTokens?: number | undefined;
  limitTokens?: number | undefined;
  usedCost?: string | undefined;
  limitCost?: string | undefined;
  currency: string;
  thresholds: { percent: number; actions: string[]; crossed: boolean }[];
  forecastPercent?: number | undefined;
  forecastMethod?: string | undefined;
  forecastAlertPercent?: number | undefined;
  forecastAboveAlert?: boolean | undefined;
  activeActions: string[];
  periodEnd?: string | undefined;
  /** This period's usage of the budget's agents by use case and model, from their ledgers' period lines. */
  period: (UsageRow & { useCase: string; model: string })[];
}

export interface SuspendedRow {
  namespace: string;
  kind: string;
  name: string;
  budget: string;
  previousReplicas?: number | undefined;
  /** When the budget resets and the workload gets its replicas back. */
  back?: string | undefined;
}

export interface SloRow {
  namespace: string;
  name: string;
  errorBudgetRemainingPercent?: string | undefined;
  burn: Record<string, string>;
  fastBurn: boolean;
}

export interface RefusalRow {
  time: string;
  namespace: string;
  kind: string;
  name: string;
  policy: string;
  endpoint: string;
  region?: string | undefined;
}

export interface CockpitView {
  now: Date;
  timeZone: string;
  day: { start: Date; end: Date };
  namespaces: readonly string[];
  total: UsageRow;
  agents: AgentRow[];
  useCases: (UsageRow & { useCase: string })[];
  models: (UsageRow & { model: string })[];
  breakdown: BreakdownRow[];
  hours: HourSlot[];
  budgets: BudgetRow[];
  suspended: SuspendedRow[];
  slos: SloRow[];
  refusals: RefusalRow[];
}

export const NO_USE_CASE = '(none)';

const emptyUsage = (): UsageRow => ({ tokens: 0, inputTokens: 0, outputTokens: 0, requests: 0, cost: {} });

function add(row: UsageRow, line: HourLine): void {
  row.tokens += line.inputTokens + line.outputTokens;
  row.inputTokens += line.inputTokens;
  row.outputTokens += line.outputTokens;
  row.requests += line.requests;
  if (!line.unpriced && line.costMicros > 0) {
    const currency = line.currency ?? 'USD';
    row.cost[currency] = (row.cost[currency] ?? 0) + line.costMicros;
  }
}

const byTokens = <T extends UsageRow>(a: T, b: T) => b.tokens - a.tokens;

/**
 * The cockpit of `namespaces` as of `now`: "today" is the local day of `timeZone` containing `now`.
 * Objects of other namespaces are left out, whatever the snapshot holds.
 */
export function cockpitView(
  snapshot: CockpitSnapshot,
  namespaces: readonly string[],
  now: Date,
  timeZone = 'UTC',
): CockpitView {
  const visible = new Set(namespaces);
  const inView = <T extends { metadata: { namespace?: string | undefined } }>(objects: readonly T[]) =>
    objects.filter((o) => visible.has(o.metadata.namespace ?? ''));
  const day = currentPeriod({ reset: 'Daily', timeZone }, now);
  const dayStart = day.start.getTime();
  const dayEnd = day.end.getTime();

  const total = emptyUsage();
  const agents = new Map<string, AgentRow>();
  const useCases = new Map<string, UsageRow & { useCase: string }>();
  const models = new Map<string, UsageRow & { model: string }>();
  const breakdown = new Map<string, BreakdownRow>();
  const hours: HourSlot[] = [];
  const hourFormat = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', hourCycle: 'h23', timeZone });
  for (let start = dayStart; start < dayEnd; start += HOUR) {
    hours.push({
      ...emptyUsage(),
      start: new Date(start),
      label: hourFormat.format(new Date(start)),
      future: start > now.getTime(),
    });
  }

  for (const ledger of inView(snapshot.ledgers)) {
    const namespace = ledger.metadata.namespace ?? '';
    const agent = ledger.spec.agent;
    const agentKey = `${namespace}/${agent}`;
    for (const hour of settleHours(ledger.spec.hourlyUsage, now.getTime()) ?? []) {
      const start = Date.parse(hour.start);
      if (start < dayStart || start >= dayEnd) continue;
      const slot = hours[Math.floor((start - dayStart) / HOUR)];
      for (const line of hour.lines) {
        const useCase = line.useCase ?? NO_USE_CASE;
        add(total, line);
        if (slot) add(slot, line);
        let agentRow = agents.get(agentKey);
        if (!agentRow) {
          agentRow = { namespace, agent, ...emptyUsage() };
          agents.set(agentKey, agentRow);
        }
        add(agentRow, line);
        let useCaseRow = useCases.get(useCase);
        if (!useCaseRow) {
          useCaseRow = { useCase, ...emptyUsage() };
          useCases.set(useCase, useCaseRow);
        }
        add(useCaseRow, line);
        let modelRow = models.get(line.model);
        if (!modelRow) {
          modelRow = { model: line.model, ...emptyUsage() };
          models.set(line.model, modelRow);
        }
        add(modelRow, line);
        const key = `${agentKey}\u0000${useCase}\u0000${line.model}`;
        let row = breakdown.get(key);
        if (!row) {
          row = { namespace, agent, useCase, model: line.model, ...emptyUsage() };
          breakdown.set(key, row);
        }
        add(row, line);
      }
    }
  }

  const ledgerOf = new Map(
    inView(snapshot.ledgers).map((l) => [`${l.metadata.namespace}/${l.spec.agent}`, l]),
  );
  const budgets = inView(snapshot.budgets)
    .map((b) => budgetRow(b, ledgerOf, now))
    .sort(
      (a, b) =>
        (b.percent ?? 0) - (a.percent ?? 0) ||
        `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`),
    );
  const suspended = inView(snapshot.budgets).flatMap((b) =>
    (b.status?.suspendedWorkloads ?? []).map((w) => ({
      namespace: b.metadata.namespace ?? '',
      kind: w.kind,
      name: w.name,
      budget: b.metadata.name ?? '',
      previousReplicas: w.previousReplicas,
      back: b.status?.periodEnd,
    })),
  );
  const slos = inView(snapshot.slos).map((s) => ({
    namespace: s.metadata.namespace ?? '',
    name: s.metadata.name ?? '',
    errorBudgetRemainingPercent: s.status?.errorBudgetRemainingPercent,
    burn: Object.fromEntries((s.status?.burnRates ?? []).map((r) => [r.window, r.rate])),
    fastBurn: s.status?.fastBurn === true,
  }));
  const refusals = snapshot.residencyPolicies
    .flatMap((p) =>
      (p.status?.refusals ?? [])
        .filter((r) => visible.has(r.namespace))
        .map((r) => ({
          time: r.time,
          namespace: r.namespace,
          kind: r.kind,
          name: r.name,
          policy: p.metadata.name ?? '',
          endpoint: r.endpoint,
          region: r.region,
        })),
    )
    .sort((a, b) => b.time.localeCompare(a.time));

  return {
    now,
    timeZone,
    day,
    namespaces: [...namespaces].sort(),
    total,
    agents: [...agents.values()].sort(byTokens),
    useCases: [...useCases.values()].sort(byTokens),
    models: [...models.values()].sort(byTokens),
    breakdown: [...breakdown.values()].sort(
      (a, b) => `${a.namespace}/${a.agent}`.localeCompare(`${b.namespace}/${b.agent}`) || b.tokens - a.tokens,
    ),
    hours,
    budgets,
    suspended,
    slos,
    refusals,
  };
}

function budgetRow(
  budget: TokenBudget,
  ledgerOf: ReadonlyMap<string, AgentUsageLedger>,
  now: Date,
): BudgetRow {
  const { spec, status } = budget;
  const percent = status?.percent;
  // The agents the budget counts are the ones its status lists; their ledgers' lines of its period.
  const period = new Map<string, UsageRow & { useCase: string; model: string }>();
  for (const agent of status?.agents ?? []) {
    const ledger = ledgerOf.get(`${budget.metadata.namespace}/${agent.name}`);
    if (!ledger) continue;
    for (const line of periodLines(ledger.spec, spec.period, now, spec.useCases)?.lines ?? []) {
      const useCase = line.useCase ?? NO_USE_CASE;
      const key = `${useCase}\u0000${line.model}`;
      let row = period.get(key);
      if (!row) {
        row = { useCase, model: line.model, ...emptyUsage() };
        period.set(key, row);
      }
      add(row, { ...line, useCase });
    }
  }
  return {
    namespace: budget.metadata.namespace ?? '',
    name: budget.metadata.name ?? '',
    phase: status?.phase ?? 'Pending',
    percent,
    usedTokens: status?.used?.tokens,
    limitTokens: spec.limits.tokens,
    usedCost: status?.used?.cost,
    limitCost: spec.limits.cost,
    currency: spec.limits.currency ?? 'USD',
    thresholds: (spec.thresholds ?? [])
      .map((t) => ({ percent: t.percent, actions: [...t.actions], crossed: (percent ?? 0) >= t.percent }))
      .sort((a, b) => a.percent - b.percent),
    forecastPercent: status?.forecast?.percent,
    forecastMethod: status?.forecast?.method,
    forecastAlertPercent: spec.forecast?.alertPercent,
    forecastAboveAlert: status?.forecast?.aboveAlert,
    activeActions: [...(status?.activeActions ?? [])],
    periodEnd: status?.periodEnd,
    period: [...period.values()].sort(byTokens),
  };
}
