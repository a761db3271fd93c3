/** Where the sidecar sends its spans, and as which service (docs/traces.md). */
export interface TracingSettings {
  /** The OTLP/HTTP traces URL the spans are POSTed to (…/v1/traces). */
  url: string;
  serviceName: string;
}

export const DEFAULT_SERVICE_NAME = 'agent-governor-sidecar';

/**
 * Tracing's settings from `--otlp-endpoint` (a base URL: `/v1/traces` is appended) or the standard
 * variables — OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (the traces URL, used as it is), else
 * OTEL_EXPORTER_OTLP_ENDPOINT (a base URL) — and OTEL_SERVICE_NAME. Undefined, tracing off, when none
 * is set, when OTEL_SDK_DISABLED is true or OTEL_TRACES_EXPORTER is `none`. A value that is not an
 * http(s) URL is an error naming where it came from. Pure.
 */
export function tracingSettings(
  flagEndpoint: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): TracingSettings | undefined {
  const serviceName = env['OTEL_SERVICE_NAME']?.trim() || DEFAULT_SERVICE_NAME;
  if (flagEndpoint !== undefined && flagEndpoint !== '')
    return { url: tracesUrl(flagEndpoint, '--otlp-endpoint', true), serviceName };
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return undefined;
  if (env['OTEL_TRACES_EXPORTER']?.trim().toLowerCase() === 'none') return undefined;
  const traces = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
  if (traces) return { url: tracesUrl(traces, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', false), serviceName };
  const base = env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim();
  if (base) return { url: tracesUrl(base, 'OTEL_EXPORTER_OTLP_ENDPOINT', true), serviceName };
  return undefined;
}

function tracesUrl(text: string, from: string, isBase: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    url = new URL('invalid:');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(
      `${from} must be an http(s) URL of an OTLP/HTTP receiver, such as http://otel-collector.observability:4318, got ${JSON.stringify(text)}`,
    );
  if (!isBase) return url.href;
  const path = url.pathname.replace(/\/+$/, '');
  url.pathname = path.endsWith('/v1/traces') ? path : `${path}/v1/traces`;
  return url.href;
}
