import type { FORECAST_METHODS } from '../../apis/token-budget.js';

// Where a budget is heading: its end-of-period usage, projected from what the period used so far and
// the time-of-day shape of the selected agents' traffic (pure; the clock is an argument).

const HOUR = 3_600_000;
const MINUTE = 60_000;

/** The forecast is shown once this much of the period was counted (or a tenth of a shorter period). */
export const FORECAST_AFTER_MS = 15 * MINUTE;
/** The forecast alerts once this much of the period was counted (or a quarter of a shorter period). */
export const FORECAST_ALERT_AFTER_MS = HOUR;
/** Share of the mean hourly usage every hour of the day keeps in the shape: a quiet hour is not dead. */
const SHAPE_FLOOR = 0.1;

export type ForecastMethod = (typeof FORECAST_METHODS)[number];

export interface ForecastInput {
  /** Usage so far, as a share of the tightest limit (unrounded). */
  percent: number;
  tokens: number;
  costMicros: number;
  period: { start: Date; end: Date };
  /** When counting started, if after the period start: the rate is taken from then on. */
  trackedSince?: Date | undefined;
  now: Date;
  /** Tokens per UTC hour of the selected agents (the ledgers' hourly usage, the last 48 hours). */
  hourly: readonly { start: number; tokens: number }[];
}

export interface BudgetForecast {
  /** Projected share of the tightest limit at the end of the period (unrounded). */
  percent: number;
  tokens: number;
  costMicros: number;
  /** TimeOfDay: weighted by the hours of the day still to come; Linear: the period's mean rate. */
  method: ForecastMethod;
  /** How much of the period the projection is made from. */
  elapsedMs: number;
  /** Whether enough of the period was counted for the forecast to alert. */
  alertable: boolean;
}

/**
 * The end-of-period forecast: the usage so far times (weight of the whole counted period) / (weight
 * of the part already gone), where an instant weighs what its UTC hour of the day weighed in the
 * recent hourly usage (TimeOfDay). Without a full day of hourly usage the weights are flat, which is
 * the period's mean rate carried to the end (Linear). Undefined too early in the period to say
 * anything (FORECAST_AFTER_MS), or after its end.
 */
export function budgetForecast(input: ForecastInput): BudgetForecast | undefined {
  const { period, now } = input;
  const from = Math.max(period.start.getTime(), input.trackedSince?.getTime() ?? 0);
  const at = now.getTime();
  const end = period.end.getTime();
  const elapsedMs = at - from;
  const length = end - from;
  if (at >= end || elapsedMs < Math.min(FORECAST_AFTER_MS, length / 10)) return undefined;
  const shape = timeOfDayShape(input.hourly, at);
  const weights = shape ?? new Array<number>(24).fill(1);
  const gone = weightBetween(weights, from, at);
  const ahead = weightBetween(weights, at, end);
  const factor = gone > 0 ? (gone + ahead) / gone : (end - from) / elapsedMs;
  return {
    percent: input.percent * factor,
    tokens: Math.round(input.tokens * factor),
    costMicros: Math.round(input.costMicros * factor),
    method: shape ? 'TimeOfDay' : 'Linear',
    elapsedMs,
    alertable: elapsedMs >= Math.min(FORECAST_ALERT_AFTER_MS, length / 4),
  };
}

/**
 * Weight of each UTC hour of the day (0–23): the tokens used in that hour over the complete hours of
 * the last day(s), with a floor of SHAPE_FLOOR × the mean. Undefined when the hourly usage does not
 * reach back a full day (a shape from half a day would call the other half dead) or holds no tokens.
 */
export function timeOfDayShape(hourly: ForecastInput['hourly'], now: number): number[] | undefined {
  const currentHour = Math.floor(now / HOUR) * HOUR;
  const complete = hourly.filter((h) => h.start < currentHour && h.tokens > 0);
  if (complete.length === 0) return undefined;
  const earliest = Math.min(...complete.map((h) => h.start));
  if (currentHour - earliest < 24 * HOUR) return undefined;
  const sums = new Array<number>(24).fill(0);
  const days = new Array<number>(24).fill(0);
  for (let start = earliest; start < currentHour; start += HOUR) {
    const h = hourOfDay(start);
    days[h] = (days[h] ?? 0) + 1;
  }
  for (const h of complete) {
    const i = hourOfDay(h.start);
    sums[i] = (sums[i] ?? 0) + h.tokens;
  }
  const means = sums.map((sum, i) => sum / Math.max(1, days[i] ?? 1));
  const mean = means.reduce((a, b) => a + b, 0) / 24;
  return means.map((m) => m + SHAPE_FLOOR * mean);
}

/** The weight of [from, to): each instant weighs its UTC hour of the day's weight, per hour. */
function weightBetween(weights: readonly number[], from: number, to: number): number {
  let total = 0;
  let at = from;
  while (at < to) {
    const next = Math.min(to, Math.floor(at / HOUR) * HOUR + HOUR);
    total += ((weights[hourOfDay(at)] ?? 0) * (next - at)) / HOUR;
    at = next;
  }
  return total;
}

function hourOfDay(ms: number): number {
  return new Date(ms).getUTCHours();
}
