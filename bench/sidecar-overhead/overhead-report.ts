import type { LatencySummary } from './latency-summary.js';

/** The paths of the benchmark, in the order of the table's columns. */
export const PATHS = ['direct', 'bare', 'sidecar', 'portkey', 'litellm'] as const;
export type PathName = (typeof PATHS)[number];

const TITLES: Record<PathName, string> = {
  direct: 'direct',
  bare: 'bare Node hop³',
  sidecar: 'sidecar',
  portkey: 'Portkey',
  litellm: 'LiteLLM⁴',
};

/** What the sidecar must reach against the others, in one run (the "done when"). */
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

/** The sidecar against Portkey, LiteLLM and the bare hop: throughput and added median latency. */
export function overheadRatios(m: OverheadMeasures): Ratio[] {
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
  const addedVsPortkey = divide(added('sidecar'), added('portkey'));
  return [
    atLeast(
      'throughput, sidecar / Portkey',
      divide(rate('sidecar'), rate('portkey')),
      TARGETS.throughputVsPortkey,
    ),
    atLeast(
      'throughput, sidecar / LiteLLM',
      divide(rate('sidecar'), rate('litellm')),
      TARGETS.throughputVsLiteLlm,
    ),
    atLeast(
      'throughput, sidecar / bare hop',
      divide(rate('sidecar'), rate('bare')),
      TARGETS.throughputVsBare,
    ),
    {
      name: 'added median latency, sidecar / Portkey',
      value: addedVsPortkey,
      target: `≤ ${TARGETS.addedMedianVsPortkey}×`,
      met: addedVsPortkey === undefined ? undefined : addedVsPortkey <= TARGETS.addedMedianVsPortkey,
    },
    {
      name: 'added median latency, sidecar / LiteLLM',
      value: divide(added('sidecar'), added('litellm')),
      target: '—',
      met: undefined,
    },
  ];
}

/** The report's markdown: the measures per path, then the ratios with their targets. */
export function overheadTables(m: OverheadMeasures, connections: number): string[] {
  const ms = (value: number) => value.toFixed(3);
  const latencyCell = (map: ReadonlyMap<string, LatencySummary>, name: PathName, pick: 'median' | 'p99') => {
    const summary = map.get(name);
    const direct = map.get('direct');
    if (!summary) return m.missing.has(name) ? '—' : 'fails¹';
    if (name === 'direct' || !direct) return ms(summary[pick]);
    return `${ms(summary[pick])} (+${ms(summary[pick] - direct[pick])})`;
  };
  const number = (map: ReadonlyMap<string, number>, name: PathName, digits: number, mark = '') => {
    const value = map.get(name);
    return value === undefined ? '—' : `${value.toFixed(digits)}${mark}`;
  };
  const row = (measure: string, cell: (name: PathName) => string) =>
    `| ${measure} | ${PATHS.map(cell).join(' | ')} |`;
  const rows = [
    `| measure | ${PATHS.map((p) => TITLES[p]).join(' | ')} |`,
    `| --- |${PATHS.map(() => ' ---: |').join('')}`,
    row('sequential call, median (ms)', (p) => latencyCell(m.latency, p, 'median')),
    row('sequential call, p99 (ms)', (p) => latencyCell(m.latency, p, 'p99')),
    row(`throughput, ${connections} connections (calls/s)`, (p) => number(m.rates, p, 0)),
    row('RSS under load (MB)', (p) => number(m.rss, p, 1, p === 'direct' ? '²' : '')),
    row('stream, first byte median (ms)', (p) => latencyCell(m.firstByte, p, 'median')),
  ];
  const ratios = overheadRatios(m).map((r) => {
    const value = r.value === undefined ? 'not measured' : `${r.value.toFixed(2)}×`;
    const met = r.met === undefined ? '—' : r.met ? 'yes' : '**no**';
    return `| ${r.name} | ${value} | ${r.target} | ${met} |`;
  });
  return [...rows, '', '| ratio | value | target | met |', '| --- | ---: | ---: | :---: |', ...ratios];
}
