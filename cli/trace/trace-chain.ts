import type { CapturedCall } from '../../sidecar/capture/capture-record.js';
import { otelTraceId } from '../../sidecar/tracing/trace-context.js';

/** One call of a trace as `agent-governor trace` shows it, read from a capture record. */
export type TraceStep = Pick<
  CapturedCall,
  | 'at'
  | 'agent'
  | 'requestedModel'
  | 'model'
  | 'route'
  | 'target'
  | 'status'
  | 'outcome'
  | 'latencyMs'
  | 'inputTokens'
  | 'outputTokens'
  | 'attempts'
  | 'parentSpanId'
  | 'spanId'
> & {
  /** Milliseconds after the trace's first call started. */
  offsetMs: number;
  /** `?` for records written before the decisions were captured. */
  budgetDecision: string;
  cache: string;
  fallbackReasons: string[];
  decisions: string[];
};

/** The chain of calls of one trace, first call first. */
export interface TraceChain {
  traceId: string;
  calls: number;
  startedAt?: string;
  /** From the first call's start to the last call's end. */
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  steps: TraceStep[];
}

const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s) => typeof s === 'string') : []);

/** Whether a capture record belongs to `traceId` (its sidecar trace id, or the OpenTelemetry one made of it). */
export function inTrace(record: Record<string, unknown>, traceId: string): boolean {
  const own = text(record['traceId']);
  if (own === undefined) return false;
  return own === traceId || otelTraceId(own) === traceId.toLowerCase();
}

/**
 * The chain of one trace from its capture records (already selected by `inTrace`): sorted by start,
 * with offsets from the first call and token totals. Records written before the decisions were
 * captured show `budgetDecision` and `cache` as `?`. Pure.
 */
export function traceChain(traceId: string, records: readonly Record<string, unknown>[]): TraceChain {
  const sorted = [...records].sort((a, b) => Date.parse(String(a['at'])) - Date.parse(String(b['at'])));
  const first = sorted[0] ? Date.parse(String(sorted[0]['at'])) : 0;
  let end = first;
  const steps = sorted.map((r): TraceStep => {
    const started = Date.parse(String(r['at']));
    end = Math.max(end, started + num(r['latencyMs']));
    const step: TraceStep = {
      at: String(r['at']),
      offsetMs: started - first,
      agent: text(r['agent']) ?? '?',
      requestedModel: text(r['requestedModel']) ?? '?',
      model: text(r['model']) ?? '?',
      status: num(r['status']),
      outcome: text(r['outcome']) ?? '?',
      latencyMs: num(r['latencyMs']),
      inputTokens: num(r['inputTokens']),
      outputTokens: num(r['outputTokens']),
      budgetDecision: text(r['budgetDecision']) ?? '?',
      cache: text(r['cache']) ?? '?',
      attempts: num(r['attempts']),
      fallbackReasons: strings(r['fallbackReasons']),
      decisions: strings(r['decisions']),
    };
    for (const field of ['route', 'target', 'parentSpanId', 'spanId'] as const) {
      const value = text(r[field]);
      if (value !== undefined) step[field] = value;
    }
    return step;
  });
  const chain: TraceChain = {
    traceId,
    calls: steps.length,
    durationMs: end - first,
    inputTokens: steps.reduce((sum, s) => sum + s.inputTokens, 0),
    outputTokens: steps.reduce((sum, s) => sum + s.outputTokens, 0),
    steps,
  };
  if (steps[0]) chain.startedAt = steps[0].at;
  return chain;
}

/** The chain as a table a person reads: a heading, one row per call, its decisions under it. */
export function renderTraceChain(chain: TraceChain): string {
  if (chain.calls === 0) return `trace ${chain.traceId}: no captured call\n`;
  const lines = [
    `trace ${chain.traceId}: ${chain.calls} call${chain.calls === 1 ? '' : 's'} from ${chain.startedAt}, ` +
      `${chain.durationMs} ms, tokens ${chain.inputTokens} in / ${chain.outputTokens} out`,
  ];
  const rows = [
    [
      '#',
      'START',
      'AGENT',
      'MODEL',
      'LATENCY',
      'TOKENS',
      'BUDGET',
      'CACHE',
      'ATTEMPTS',
      'STATUS',
      'SPAN ← PARENT',
    ],
    ...chain.steps.map((s, i) => [
      String(i + 1),
      `+${s.offsetMs} ms`,
      s.agent,
      s.model === s.requestedModel ? s.model : `${s.requestedModel} → ${s.model}`,
      `${s.latencyMs} ms`,
      `${s.inputTokens}/${s.outputTokens}`,
      s.budgetDecision,
      s.cache,
      String(s.attempts),
      `${s.status} ${s.outcome}`,
      `${s.spanId ?? '-'} ← ${s.parentSpanId ?? '-'}`,
    ]),
  ];
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  const pad = (r: string[]) =>
    r
      .map((cell, c) => cell.padEnd(widths[c] ?? 0))
      .join('  ')
      .trimEnd();
  lines.push(pad(rows[0] as string[]));
  chain.steps.forEach((s, i) => {
    lines.push(pad(rows[i + 1] as string[]));
    const notes = [
      ...(s.route !== undefined ? [`route ${s.route}${s.target !== undefined ? ` → ${s.target}` : ''}`] : []),
      ...(s.fallbackReasons.length > 0 ? [`fallback ${s.fallbackReasons.join(', ')}`] : []),
      ...(s.decisions.length > 0 ? [`decisions ${s.decisions.join(', ')}`] : []),
    ];
    if (notes.length > 0) lines.push(`   ${notes.join('; ')}`);
  });
  return `${lines.join('\n')}\n`;
}
