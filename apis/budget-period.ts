import { Cron } from 'croner';
import { isTimeZone } from './time-zone.js';

/** When a budget's usage resets, as written in `TokenBudget.spec.period`. */
export interface BudgetPeriodSpec {
  reset: 'Daily' | 'Weekly' | 'Monthly' | 'Cron';
  /** IANA time zone the boundaries are computed in. */
  timeZone: string;
  /** Five-field cron expression; only with reset Cron. */
  schedule?: string;
}

/** One budget period: usage counts from `start` (inclusive) to `end` (exclusive). */
export interface PeriodBounds {
  start: Date;
  end: Date;
}

/**
 * The period that contains `now`. Daily starts at local midnight, Weekly on Monday 00:00 local,
 * Monthly on the 1st at 00:00 local, Cron at the latest run of `schedule` at or before `now`.
 * Boundaries are instants in the time zone, so a day is 23 or 25 hours long across a DST change,
 * and a local midnight that does not exist (a DST gap at midnight) starts at the first instant after
 * the gap. Throws an error naming the field when the period cannot be computed.
 */
export function currentPeriod(period: BudgetPeriodSpec, now: Date): PeriodBounds {
  // The period containing `now` is the one found last for this spec while `now` is still inside it:
  // operators compile it for every agent and sidecars for every call, and working it out in a time
  // zone takes several Intl calls.
  const key = `${period.reset}|${period.timeZone}|${period.schedule ?? ''}`;
  const t = now.getTime();
  const found = lastPeriods.get(key);
  if (found && t >= found.start && t < found.end)
    return { start: new Date(found.start), end: new Date(found.end) };
  const bounds = computePeriod(period, now);
  if (lastPeriods.size >= MAX_REMEMBERED_PERIODS) lastPeriods.clear();
  lastPeriods.set(key, { start: bounds.start.getTime(), end: bounds.end.getTime() });
  return bounds;
}

const lastPeriods = new Map<string, { start: number; end: number }>();
const MAX_REMEMBERED_PERIODS = 256;

function computePeriod(period: BudgetPeriodSpec, now: Date): PeriodBounds {
  if (!isTimeZone(period.timeZone)) {
    throw new Error(
      `budget period: timeZone "${period.timeZone}" is not an IANA time zone; expected a name such as UTC or Europe/Berlin`,
    );
  }
  if (Number.isNaN(now.getTime())) throw new Error('budget period: the current time is not a valid date');
  switch (period.reset) {
    case 'Daily': {
      const day = localDate(now, period.timeZone);
      return bounds(day, addDays(day, 1), period.timeZone);
    }
    case 'Weekly': {
      const day = localDate(now, period.timeZone);
      const monday = addDays(day, -((day.weekday + 6) % 7));
      return bounds(monday, addDays(monday, 7), period.timeZone);
    }
    case 'Monthly': {
      const day = localDate(now, period.timeZone);
      const first = { ...day, day: 1 };
      const next =
        day.month === 12 ? { year: day.year + 1, month: 1, day: 1 } : { ...first, month: day.month + 1 };
      return bounds(first, next, period.timeZone);
    }
    case 'Cron':
      return cronPeriod(period, now);
    default:
      throw new Error(
        `budget period: reset "${String(period.reset)}" is not one of Daily, Weekly, Monthly, Cron`,
      );
  }
}

function cronPeriod(period: BudgetPeriodSpec, now: Date): PeriodBounds {
  if (!period.schedule) {
    throw new Error(
      'budget period: reset Cron needs a schedule, a five-field cron expression such as "0 6 * * 1"',
    );
  }
  let cron: Cron;
  try {
    cron = new Cron(period.schedule, { timezone: period.timeZone, paused: true, mode: '5-part' });
  } catch (err) {
    throw new Error(
      `budget period: schedule "${period.schedule}" is not a five-field cron expression (${(err as Error).message})`,
    );
  }
  // previousRuns excludes a run exactly at the reference; one millisecond later includes it.
  const start = cron.previousRuns(1, new Date(now.getTime() + 1))[0];
  const end = cron.nextRun(now);
  if (!start || !end) {
    throw new Error(
      `budget period: schedule "${period.schedule}" has no run before and after ${now.toISOString()}`,
    );
  }
  return { start, end };
}

interface LocalDay {
  year: number;
  /** 1 to 12. */
  month: number;
  day: number;
}

interface LocalDateTime extends LocalDay {
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
  hour: number;
  minute: number;
  second: number;
}

function bounds(from: LocalDay, to: LocalDay, zone: string): PeriodBounds {
  return { start: startOfLocalDay(from, zone), end: startOfLocalDay(to, zone) };
}

function addDays(day: LocalDay, days: number): LocalDay & { weekday: number } {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + days));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      weekday: 'short',
    });
    formatters.set(zone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** The wall-clock date and time of `instant` in `zone`. */
export function localDate(instant: Date, zone: string): LocalDateTime {
  // UTC, the default, is read off the date itself: Intl would load ICU's locale and zone data, about
  // 8 MB that a sidecar whose budgets all reset in UTC carries for nothing.
  if (zone === 'UTC') {
    return {
      year: instant.getUTCFullYear(),
      month: instant.getUTCMonth() + 1,
      day: instant.getUTCDate(),
      weekday: instant.getUTCDay(),
      hour: instant.getUTCHours(),
      minute: instant.getUTCMinutes(),
      second: instant.getUTCSeconds(),
    };
  }
  const fields: Record<string, string> = {};
  for (const part of formatter(zone).formatToParts(instant)) fields[part.type] = part.value;
  return {
    year: Number(fields['year']),
    month: Number(fields['month']),
    day: Number(fields['day']),
    weekday: WEEKDAYS[fields['weekday'] ?? ''] ?? 0,
    hour: Number(fields['hour']),
    minute: Number(fields['minute']),
    second: Number(fields['second']),
  };
}

/** Milliseconds `zone` is ahead of UTC at `instant`. */
function offsetAt(instant: number, zone: string): number {
  const l = localDate(new Date(instant), zone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - Math.floor(instant / 1000) * 1000;
}

/** The first instant whose local date in `zone` is `day` (local midnight, or the end of a DST gap). */
function startOfLocalDay(day: LocalDay, zone: string): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day);
  const first = wall - offsetAt(wall, zone);
  const second = wall - offsetAt(first, zone);
  const candidates = [first, second].filter((t) => wallClock(t, zone) === wall).sort((a, b) => a - b);
  if (candidates[0] !== undefined) return new Date(candidates[0]);
  // Midnight falls in a DST gap: the day starts at the transition, found between the two guesses.
  let lo = Math.min(first, second);
  let hi = Math.max(first, second);
  while (hi - lo > 1000) {
    const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
    if (wallClock(mid, zone) >= wall) hi = mid;
    else lo = mid;
  }
  return new Date(hi);
}

function wallClock(instant: number, zone: string): number {
  return instant + offsetAt(instant, zone);
}
