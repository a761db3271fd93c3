import type { Metric, Registry } from 'prom-client';

export type SeriesLabels = Readonly<Record<string, string | number>>;

/** One series of a counter; an increment is `value += n`. */
export interface CounterSeries {
  readonly labels: SeriesLabels;
  value: number;
}

/** What a prom-client Registry reads from a metric to expose it. */
interface MetricValues {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: { labels: SeriesLabels; value: number; metricName?: string }[];
}

/**
 * Counters and histograms whose series are plain objects the caller keeps: an observation is a field
 * update, with no label hashing or validation (prom-client's own metrics hash and check the labels
 * on every `inc` and `observe`, children from `labels()` included — the largest part of the metrics'
 * cost per request). They register with a prom-client Registry like its own metrics, which formats
 * them; only the series' bookkeeping is ours. Series are never removed (as with prom-client counters).
 */
abstract class LabelledMetric<S> {
  readonly aggregator = 'sum' as const;
  protected readonly all = new Map<string, S>();

  constructor(
    readonly name: string,
    readonly help: string,
    registry: Registry,
  ) {
    registry.registerMetric(this as unknown as Metric);
  }

  /** The series of `labels` (always given in the same key order), made on first use. */
  series(labels: SeriesLabels): S {
    let key = '';
    for (const name in labels) key += `${labels[name]}\u0000`;
    let series = this.all.get(key);
    if (series === undefined) {
      series = this.create(labels);
      this.all.set(key, series);
    }
    return series;
  }

  protected abstract create(labels: SeriesLabels): S;
}

export class LabelledCounter extends LabelledMetric<CounterSeries> {
  readonly type = 'counter' as const;

  protected create(labels: SeriesLabels): CounterSeries {
    return { labels, value: 0 };
  }

  async get(): Promise<MetricValues> {
    const values = [...this.all.values()].map((series) => ({ labels: series.labels, value: series.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  /** Zeroes every series (callers keep theirs). */
  reset(): void {
    for (const series of this.all.values()) series.value = 0;
  }
}

/** One series of a histogram: counts per bucket (the last is +Inf), sum and count. */
export class HistogramSeries {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(
    readonly labels: SeriesLabels,
    private readonly bounds: readonly number[],
  ) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(value: number): void {
    const bounds = this.bounds;
    let i = 0;
    while (i < bounds.length && value > bounds[i]!) i++;
    this.counts[i]! += 1;
    this.sum += value;
    this.count += 1;
  }
}

export class LabelledHistogram extends LabelledMetric<HistogramSeries> {
  readonly type = 'histogram' as const;

  constructor(
    name: string,
    help: string,
    registry: Registry,
    /** Upper bounds of the buckets, ascending. */
    private readonly bounds: readonly number[],
  ) {
    super(name, help, registry);
  }

  protected create(labels: SeriesLabels): HistogramSeries {
    return new HistogramSeries(labels, this.bounds);
  }

  async get(): Promise<MetricValues> {
    const values: MetricValues['values'] = [];
    for (const series of this.all.values()) {
      let cumulative = 0;
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += series.counts[i]!;
        const le = i < this.bounds.length ? this.bounds[i]! : '+Inf';
        values.push({
          labels: { ...series.labels, le },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: series.labels, value: series.sum, metricName: `${this.name}_sum` });
      values.push({ labels: series.labels, value: series.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }

  reset(): void {
    for (const series of this.all.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
