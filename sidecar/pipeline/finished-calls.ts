import type { Logger } from 'pino';
import type { UsageRecorder } from '../reporting/usage-recorder.js';
import { logRequest } from '../telemetry/request-log.js';
import type { RequestRecord } from '../telemetry/request-record.js';
import type { SidecarMetrics } from '../telemetry/sidecar-metrics.js';
import type { CallSpans } from '../tracing/call-tracer.js';

export interface FinishedCallsOptions {
  metrics: SidecarMetrics;
  logger: Logger;
  recorder: UsageRecorder;
  /** Each call's span, when tracing is on (docs/traces.md). */
  tracing?: Pick<CallSpans, 'export'>;
  /** Longest a finished call waits to be accounted (default 50 ms). */
  intervalMs?: number;
  /**
   * Calls held at most; the one that fills the batch accounts them at once (default 32). A busy
   * sidecar fills a batch every few milliseconds, so a held call is gone before the young generation
   * is collected twice: held longer, the records are promoted to the old generation and make full
   * collections frequent.
   */
  maxPending?: number;
}

/**
 * Where every finished call goes — its metrics, its log line and its usage record — accounted in
 * batches (within 50 ms, or as soon as 32 calls are held) rather than one by one as each answer
 * leaves. On a small node the agent, the sidecar and the provider share the cores: whatever the
 * sidecar does after an answer delays the agent reading it, and code run once per call runs cold,
 * while a batch runs warm (accounting each call in the turn it ended made a sequential call cost
 * the sidecar about a third more CPU). The
 * budget is not concerned (reservations are settled as each call ends); `/metrics`, the usage
 * reporter's drain and shutdown flush first, so no reader sees a call missing. Log lines keep the
 * time the call ended.
 */
export class FinishedCalls {
  private pending: RequestRecord[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FinishedCallsOptions) {}

  add(record: RequestRecord): void {
    this.pending.push(record);
    if (this.pending.length >= (this.options.maxPending ?? 32)) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.intervalMs ?? 50).unref();
  }

  /** Accounts every call held now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const records = this.pending;
    if (records.length === 0) return;
    this.pending = [];
    const { metrics, logger, recorder, tracing } = this.options;
    for (const record of records) {
      metrics.observe(record);
      logRequest(logger, record);
      recorder.record(record);
      tracing?.export(record);
    }
  }
}
