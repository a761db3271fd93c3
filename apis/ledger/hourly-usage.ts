import type { UsageEntry } from '../usage-batch.js';
import {
  HOURLY_USAGE_HOURS,
  type HourLine,
  type HourUsage,
  MAX_HOUR_LINES,
  MAX_HOUR_OTHER_LINES,
  MAX_HOUR_USE_CASES,
  OTHER_LINE,
} from '../usage-ledger.js';

const HOUR = 3_600_000;

type LineIdentity = Pick<HourLine, 'useCase' | 'model' | 'currency' | 'unpriced'>;

function lineKey(line: LineIdentity): string {
  return `${line.useCase ?? ''}\u0000${line.model}\u0000${line.unpriced ? '' : (line.currency ?? 'USD')}`;
}

function emptyLine(identity: LineIdentity): HourLine {
  return {
    ...(identity.useCase !== undefined ? { useCase: identity.useCase } : {}),
    model: identity.model,
    ...(identity.unpriced
      ? { unpriced: true }
      : identity.currency !== undefined && identity.currency !== 'USD'
        ? { currency: identity.currency }
        : {}),
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    costMicros: 0,
  };
}

function addCounts(
  line: HourLine,
  add: Pick<HourLine, 'requests' | 'inputTokens' | 'outputTokens' | 'costMicros'>,
) {
  line.requests += add.requests;
  line.inputTokens += add.inputTokens;
  line.outputTokens += add.outputTokens;
  line.costMicros += add.costMicros;
}

const tokensOf = (line: HourLine) => line.inputTokens + line.outputTokens;

/** The earliest hour start kept at `now` (epoch ms): the current hour and HOURLY_USAGE_HOURS before. */
export function earliestHourKept(now: number): number {
  return Math.floor(now / HOUR) * HOUR - HOURLY_USAGE_HOURS * HOUR;
}

/**
 * Adds the entries of a batch (each at its minute, already capped at `now`) to the ledger's hourly
 * usage: one line per use case, model and currency in each UTC hour. Hours before
 * `earliestHourKept(now)` are dropped (their usage still counts in totals and periods). Each hour
 * touched is bounded by `boundHour`. Pure.
 */
export function addToHours(
  hours: readonly HourUsage[] | undefined,
  entries: readonly { minute: number; entry: UsageEntry }[],
  now: number,
): HourUsage[] | undefined {
  const earliest = earliestHourKept(now);
  const byStart = new Map<number, HourUsage>();
  for (const hour of hours ?? []) {
    const start = Date.parse(hour.start);
    if (start >= earliest) byStart.set(start, hour);
  }
  const touched = new Map<number, Map<string, HourLine>>();
  for (const { minute, entry } of entries) {
    const start = Math.floor(minute / HOUR) * HOUR;
    if (start < earliest || entry.requests === 0) continue;
    let lines = touched.get(start);
    if (!lines) {
      lines = new Map((byStart.get(start)?.lines ?? []).map((line) => [lineKey(line), { ...line }]));
      touched.set(start, lines);
    }
    const identity = {
      useCase: entry.useCase,
      model: entry.model,
      currency: entry.currency,
      unpriced: entry.unpriced,
    };
    const key = lineKey(identity);
    let line = lines.get(key);
    if (!line) {
      line = emptyLine(identity);
      lines.set(key, line);
    }
    addCounts(line, entry);
  }
  for (const [start, lines] of touched) {
    byStart.set(start, { start: new Date(start).toISOString(), lines: boundHour([...lines.values()]) });
  }
  if (byStart.size === 0) return hours === undefined ? undefined : [];
  return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([, hour]) => hour);
}

/** The hours kept at `now`, for a reader of a ledger last written long ago. */
export function settleHours(hours: readonly HourUsage[] | undefined, now: number): HourUsage[] | undefined {
  if (hours === undefined) return undefined;
  const earliest = earliestHourKept(now);
  return hours.filter((hour) => Date.parse(hour.start) >= earliest);
}

/**
 * Bounds the lines of one hour, keeping the largest by tokens: past MAX_HOUR_USE_CASES use cases
 * (calls without a use case count as one), the smallest use cases fold into use case OTHER_LINE;
 * past MAX_HOUR_LINES lines, the smallest lines fold into model OTHER_LINE (keeping their use case
 * and currency, so a fold never adds two currencies up); past MAX_HOUR_OTHER_LINES more, the rest
 * fold into one unpriced OTHER_LINE line whose cost is not counted. Tokens and calls are never
 * lost. Sorted by use case, then model.
 */
export function boundHour(input: readonly HourLine[]): HourLine[] {
  let lines = input.map((line) => ({ ...line }));
  const useCaseTokens = new Map<string | undefined, number>();
  for (const line of lines) {
    if (line.useCase === OTHER_LINE) continue;
    useCaseTokens.set(line.useCase, (useCaseTokens.get(line.useCase) ?? 0) + tokensOf(line));
  }
  if (useCaseTokens.size > MAX_HOUR_USE_CASES) {
    const keep = new Set(
      [...useCaseTokens.entries()]
        .sort((a, b) => b[1] - a[1] || (a[0] ?? '').localeCompare(b[0] ?? ''))
        .slice(0, MAX_HOUR_USE_CASES)
        .map(([useCase]) => useCase),
    );
    lines = merge(lines.map((line) => (keep.has(line.useCase) ? line : { ...line, useCase: OTHER_LINE })));
  }
  while (lines.length > MAX_HOUR_LINES) {
    const smallest = lines
      .filter((line) => line.model !== OTHER_LINE)
      .sort((a, b) => tokensOf(a) - tokensOf(b) || lineKey(a).localeCompare(lineKey(b)))[0];
    if (!smallest) break;
    lines = merge(lines.map((line) => (line === smallest ? { ...line, model: OTHER_LINE } : line)));
  }
  if (lines.length > MAX_HOUR_LINES + MAX_HOUR_OTHER_LINES) {
    const sorted = [...lines].sort(
      (a, b) => tokensOf(b) - tokensOf(a) || lineKey(a).localeCompare(lineKey(b)),
    );
    const kept = sorted.slice(0, MAX_HOUR_LINES + MAX_HOUR_OTHER_LINES - 1);
    const rest = emptyLine({ useCase: OTHER_LINE, model: OTHER_LINE, unpriced: true });
    for (const line of sorted.slice(kept.length)) addCounts(rest, { ...line, costMicros: 0 });
    lines = merge([...kept, rest]);
  }
  return lines.sort((a, b) => lineKey(a).localeCompare(lineKey(b)));
}

/** Lines with the same identity added into one. */
function merge(lines: readonly HourLine[]): HourLine[] {
  const byKey = new Map<string, HourLine>();
  for (const line of lines) {
    const key = lineKey(line);
    const known = byKey.get(key);
    if (known) addCounts(known, line);
    else byKey.set(key, { ...line, ...emptyLine(line), ...pickCounts(line) });
  }
  return [...byKey.values()];
}

function pickCounts(line: HourLine) {
  return {
    requests: line.requests,
    inputTokens: line.inputTokens,
    outputTokens: line.outputTokens,
    costMicros: line.costMicros,
  };
}

/**
 * Input plus output tokens per UTC hour of several ledgers (a budget's agents), limited to
 * `useCases` when given (lines without a use case, or folded into OTHER_LINE, then do not count),
 * oldest first. The forecast's time-of-day shape is made from it.
 */
export function hourlyTokens(
  ledgers: readonly { hourlyUsage?: readonly HourUsage[] | undefined }[],
  useCases?: readonly string[],
): { start: number; tokens: number }[] {
  const filter = useCases && useCases.length > 0 ? new Set(useCases) : undefined;
  const byStart = new Map<number, number>();
  for (const ledger of ledgers) {
    for (const hour of ledger.hourlyUsage ?? []) {
      const start = Date.parse(hour.start);
      let tokens = byStart.get(start) ?? 0;
      for (const line of hour.lines) {
        if (filter && (line.useCase === undefined || !filter.has(line.useCase))) continue;
        tokens += line.inputTokens + line.outputTokens;
      }
      byStart.set(start, tokens);
    }
  }
  return [...byStart.entries()].sort((a, b) => a[0] - b[0]).map(([start, tokens]) => ({ start, tokens }));
}
