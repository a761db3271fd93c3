import type { LatencySummary } from './latency-summary.js';

/** A governed path of the run: its name in the measures and its column's title. */
export interface GovernedColumn {
  name: string;
  title: string;
}

/** The paths of a run, in the order of the table's columns: the governed ones after the bare hop. */
function columns(governed: readonly GovernedColumn[]): GovernedColumn[] {
  return [
    { name: 'direct', title: 'direct' },
    { name: 'bare', title: 'bare Node hop³' },
    ...governed,
    { name: 'portkey', title: 'Portkey' },
    { name: 'litellm', title: 'LiteLLM⁴' },
  ];
}

const SIDECAR_ONLY: readonly GovernedColumn[] = [{ name: 'sidecar', title: 'sidecar' }];

/** What each governed path must reach against the others, in one run (the "done when"). */
export const TARGETS = {
  throughputVsPortkey: 8,
  throughputVsLiteLlm: 50,
  throughputVsBare: 0.9,
  addedMedianVsPortkey: 0.25,
};

/** What one run measured; a path that could not be measured is absent from a map. */
export interface OverheadMeasures {
  latency: ReadonlyMap<string, LatencySummary>;
  rates: ReadonlyMap<string, number>;
  rss: ReadonlyMap<string, number>;
  firstByte: ReadonlyMap<string, LatencySummary>;
  /** Why a path has no numbers (LiteLLM not installable, Portkey's streams broken). */
  missing: ReadonlyMap<string, string>;
}

export interface Ratio {
  name: string;
  value: number | undefined;
  /** `≥ 8×`, `≤ 0.25×` */
  target: string;
  met: boolean | undefined;
}

/** Each governed path against Portkey, LiteLLM and the bare hop: throughput and added median latency. */
export function overheadRatios(
  m: OverheadMeasures,
  governed: readonly GovernedColumn[] = SIDECAR_ONLY,
): Ratio[] {
  return governed.flatMap(({ name }) => ratiosOf(m, name));
}

function ratiosOf(m: OverheadMeasures, governed: string): Ratio[] {
  const rate = (name: string) => m.rates.get(name);
  const added = (name: string) => {
    const path = m.latency.get(name)?.median;
    const direct = m.latency.get('direct')?.median;
    return path === undefined || direct === undefined ? undefined : path - direct;
  };
  const divide = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined || b <= 0 ? undefined : a / b;
  const atLeast = (name: string, value: number | undefined, target: number): Ratio => ({
    name,
    value,
    target: `≥ ${target}×`,
    met: value === undefined ? undefined : value >= target,
  });
  const addedVsPortkey = divide(added(governed), added('portkey'));
  return [
    atLeast(
      `throughput, ${governed} / Portkey`,
      divide(rate(governed), rate('portkey')),
      TARGETS.throughputVsPortkey,
    ),
    atLeast(
      `throughput, ${governed} / LiteLLM`,
      divide(rate(governed), rate('litellm')),
      TARGETS.throughputVsLiteLlm,
    ),
    atLeast(
      `throughput, ${governed} / bare hop`,
      divide(rate(governed), rate('bare')),
      TARGETS.throughputVsBare,
    ),
    {
      name: `added median latency, ${governed} / Portkey`,
      value: addedVsPortkey,
      target: `≤ ${TARGETS.addedMedianVsPortkey}×`,
      met: addedVsPortkey === undefined ? undefined : addedVsPortkey <= TARGETS.addedMedianVsPortkey,
    },
    {
      name: `added median latency, ${governed} / LiteLLM`,
      value: divide(added(governed), added('litellm')),
      target: '—',
      met: undefined,
    },
  ];
}

/** The report's markdown: the measures per path, then the ratios with their targets. */
export function overheadTables(
  m: OverheadMeasures,
  connections: number,
  governed: readonly GovernedColumn[] = SIDECAR_ONLY,
): string[] {
  const paths = columns(governed);
  const ms = (value: number) => value.toFixed(3);
  const latencyCell = (map: ReadonlyMap<string, LatencySummary>, name: string, pick: 'median' | 'p99') => {
    const summary = map.get(name);
    const direct = map.get('direct');
    if (!summary) return m.missing.has(name) ? '—' : 'fails¹';
    if (name === 'direct' || !direct) return ms(summary[pick]);
    return `${ms(summary[pick])} (+${ms(summary[pick] - direct[pick])})`;
  };
  const number = (map: ReadonlyMap<string, number>, name: string, digits: number, mark = '') => {
    const value = map.get(name);
    return value === undefined ? '—' : `${value.toFixed(digits)}${mark}`;
  };
  const row = (measure: string, cell: (name: string) => string) =>
    `| ${measure} | ${paths.map((p) => cell(p.name)).join(' | ')} |`;
  const rows = [
    `| measure | ${paths.map((p) => p.title).join(' | ')} |`,
    `| --- |${paths.map(() => ' ---: |').join('')}`,
    row('sequential call, median (ms)', (p) => latencyCell(m.latency, p, 'median')),
    row('sequential call, p99 (ms)', (p) => latencyCell(m.latency, p, 'p99')),
    row(`throughput, ${connections} connections (calls/s)`, (p) => number(m.rates, p, 0)),
    row('RSS under load (MB)', (p) => number(m.rss, p, 1, p === 'direct' ? '²' : '')),
    row('stream, first byte median (ms)', (p) => latencyCell(m.firstByte, p, 'median')),
  ];
  const ratios = overheadRatios(m, governed).map((r) => {
    const value = r.value === undefined ? 'not measured' : `${r.value.toFixed(2)}×`;
    const met = r.met === undefined ? '—' : r.met ? 'yes' : '**no**';
    return `| ${r.name} | ${value} | ${r.target} | ${met} |`;
  });
  return [...rows, '', '| ratio | value | target | met |', '| --- | ---: | ---: | :---: |', ...ratios];
}
