import type { CircuitReport } from '../usage-batch.js';
import { CIRCUIT_REPORT_TTL_MS, type CircuitReportEntry, MAX_CIRCUIT_REPORTS } from '../usage-ledger.js';

type Reports = CircuitReportEntry[] | undefined;

/** A report still counts at `now`: read at most CIRCUIT_REPORT_TTL_MS before. */
export function freshReport(report: Pick<CircuitReportEntry, 'observedAt'>, now: Date): boolean {
  const at = Date.parse(report.observedAt);
  return Number.isFinite(at) && now.getTime() - at <= CIRCUIT_REPORT_TTL_MS;
}

/**
 * The circuit reports of a ledger after recording `report` of `instance` at `now`
 * (docs/adr/0041-circuit-reports.md). Each instance keeps only its latest report: one read earlier
 * than the one recorded (a spooled batch resent after a restart) changes nothing. A report dated
 * after `now` (a clock running ahead) is dated `now`. Stale reports are dropped and at most
 * MAX_CIRCUIT_REPORTS kept, the freshest. Undefined when none is left. Pure.
 */
export function recordCircuitReport(
  reports: Reports,
  instance: string,
  report: CircuitReport | undefined,
  now: Date,
): Reports {
  let next = reports ?? [];
  if (report) {
    const observed = Math.min(Date.parse(report.observedAt), now.getTime());
    const known = next.find((r) => r.instance === instance);
    if (Number.isFinite(observed) && (!known || Date.parse(known.observedAt) < observed)) {
      const entry: CircuitReportEntry = {
        instance,
        observedAt: new Date(observed).toISOString(),
        routes: report.routes.map((r) => ({
          route: r.route,
          ...(r.activeTarget !== undefined ? { activeTarget: r.activeTarget } : {}),
          targets: r.targets.map((t) => ({ target: t.target, state: t.state })),
        })),
      };
      next = [entry, ...next.filter((r) => r.instance !== instance)];
    }
  }
  const kept = next
    .filter((r) => freshReport(r, now))
    .sort((a, b) => Date.parse(b.observedAt) - Date.parse(a.observedAt))
    .slice(0, MAX_CIRCUIT_REPORTS)
    .sort((a, b) => (a.instance < b.instance ? -1 : a.instance > b.instance ? 1 : 0));
  return kept.length > 0 ? kept : undefined;
}
