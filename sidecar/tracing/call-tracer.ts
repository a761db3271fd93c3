import {
  DiagLogLevel,
  diag,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type IdGenerator,
  ParentBasedSampler,
  RandomIdGenerator,
} from '@opentelemetry/sdk-trace-base';
import type { RequestRecord } from '../telemetry/request-record.js';
import { callSpan } from './call-span.js';
import type { TracingSettings } from './tracing-settings.js';

/** Spans of finished calls, exported in batches over OTLP/HTTP (docs/traces.md). */
export interface CallSpans {
  /** Ends one call's span (called from the finished-calls batch, never on the answer's path). */
  export(record: RequestRecord): void;
  /** Exports what is queued, then stops. */
  close(): Promise<void>;
}

/**
 * The ids the next span takes. A call's span is made when the call has ended, with the span id
 * the call already sent upstream in its `traceparent` and the sidecar's trace id; the SDK asks its
 * id generator for both, so this one hands out the ids set for the span being made.
 */
class PresetIds implements IdGenerator {
  private readonly random = new RandomIdGenerator();
  traceId: string | undefined;
  spanId: string | undefined;
  generateTraceId(): string {
    return this.traceId ?? this.random.generateTraceId();
  }
  generateSpanId(): string {
    return this.spanId ?? this.random.generateSpanId();
  }
}

/**
 * Starts span export: an OTLP/HTTP exporter behind a batch span processor (the SDK's defaults, and
 * its OTEL_BSP_* and OTEL_EXPORTER_OTLP_HEADERS variables), the resource naming the service and the
 * agent, and a sampler that follows the agent's `traceparent` flags. Loaded only when tracing is on.
 */
export function startCallTracing(
  settings: TracingSettings,
  agent: { namespace: string; name: string },
  onError: (err: Error) => void,
): CallSpans {
  // The SDK reports a failed export through its diagnostics logger: to the sidecar's log, warnings up.
  const report = (message: string, ...args: unknown[]) =>
    onError(new Error([message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(' ')));
  diag.setLogger(
    { error: report, warn: report, info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const ids = new PresetIds();
  const exporter = new OTLPTraceExporter({ url: settings.url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': settings.serviceName,
      'k8s.namespace.name': agent.namespace,
      'governor.agent': `${agent.namespace}/${agent.name}`,
    }),
    idGenerator: ids,
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new BatchSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('agent-governor-sidecar');
  return {
    export(record) {
      const span = callSpan(record);
      const parent =
        span.parentSpanId === undefined
          ? ROOT_CONTEXT
          : trace.setSpanContext(ROOT_CONTEXT, {
              traceId: span.traceId,
              spanId: span.parentSpanId,
              traceFlags: span.sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
              isRemote: true,
            });
      ids.traceId = span.traceId;
      ids.spanId = span.spanId;
      try {
        const made = tracer.startSpan(
          span.name,
          { kind: SpanKind.CLIENT, startTime: span.startTime, attributes: span.attributes },
          parent,
        );
        if (span.error !== undefined) made.setStatus({ code: SpanStatusCode.ERROR, message: span.error });
        made.end(span.endTime);
      } catch (err) {
        onError(err as Error);
      } finally {
        ids.traceId = ids.spanId = undefined;
      }
    },
    async close() {
      await provider.shutdown().catch((err: Error) => onError(err));
    },
  };
}
