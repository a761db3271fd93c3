import type { BURN_RATE_WINDOWS } from '../../apis/agent-slo.js';

/** Windows burn rates are computed over: the status windows plus 2h for the 3× ticket alert. */
export const SLO_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SLOWindow = (typeof SLO_WINDOWS)[number];
export type StatusWindow = (typeof BURN_RATE_WINDOWS)[number];

export const WINDOW_MS: Readonly<Record<SLOWindow, number>> = {
  '5m': 5 * 60_000,
  '30m': 30 * 60_000,
  '1h': 3_600_000,
  '2h': 2 * 3_600_000,
  '6h': 6 * 3_600_000,
  '1d': 86_400_000,
  '3d': 3 * 86_400_000,
};

export interface BurnRateAlert {
  /** Also the Prometheus alert name after the `AgentSLO` prefix. */
  name: 'FastBurn' | 'HighBurn' | 'SteadyBurn' | 'SlowBurn';
  /** Page a person now, or open a ticket. */
  urgency: 'page' | 'ticket';
  /** Prometheus `severity` label (the kube-prometheus convention). */
  severity: 'critical' | 'warning';
  /** The alert holds when the burn rate is at least this over both windows. */
  factor: number;
  long: SLOWindow;
  short: SLOWindow;
  /** What the burn means, for people. */
  meaning: string;
}

/**
 * The multiwindow, multi-burn-rate alerts of the SRE workbook (chapter 5, "Alerting on SLOs"): each
 * holds when the error budget burns at least `factor` times the sustainable rate over the long
 * window (it matters) and over the short one (it is still happening, so the alert clears soon after
 * the burn stops).
 */
export const BURN_RATE_ALERTS: readonly BurnRateAlert[] = [
  {
    name: 'FastBurn',
    urgency: 'page',
    severity: 'critical',
    factor: 14.4,
    long: '1h',
    short: '5m',
    meaning: '2 % of a 30-day error budget spent in one hour',
  },
  {
    name: 'HighBurn',
    urgency: 'page',
    severity: 'critical',
    factor: 6,
    long: '6h',
    short: '30m',
    meaning: '5 % of a 30-day error budget spent in six hours',
  },
  {
    name: 'SteadyBurn',
    urgency: 'ticket',
    severity: 'warning',
    factor: 3,
    long: '1d',
    short: '2h',
    meaning: '10 % of a 30-day error budget spent in a day',
  },
  {
    name: 'SlowBurn',
    urgency: 'ticket',
    severity: 'warning',
    factor: 1,
    long: '3d',
    short: '6h',
    meaning: '10 % of a 30-day error budget spent in three days',
  },
];

export const FAST_BURN = BURN_RATE_ALERTS[0]!;

/** The alerts that hold for burn rates by window. */
export function firingAlerts(rates: Readonly<Record<SLOWindow, number>>): BurnRateAlert[] {
  return BURN_RATE_ALERTS.filter((a) => rates[a.long] >= a.factor && rates[a.short] >= a.factor);
}

/**
 * Fast burn with hysteresis: it starts when the burn rate reaches 14.4× over both 1h and 5m, and
 * clears only when both have fallen below it, so the actions it drives do not flap while one window
 * hovers around the factor.
 */
export function fastBurnHolds(wasBurning: boolean, rates: Readonly<Record<SLOWindow, number>>): boolean {
  const long = rates[FAST_BURN.long] >= FAST_BURN.factor;
  const short = rates[FAST_BURN.short] >= FAST_BURN.factor;
  return wasBurning ? long || short : long && short;
}
