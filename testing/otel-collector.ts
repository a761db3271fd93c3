// The OpenTelemetry Collector's OTLP receiver as the trace suites run it: built from Go modules by
// tools/otel-collector/build.sh (cached), started on a free loopback port with every trace request
// appended to a file as OTLP/JSON, and the spans read back from that file.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './repo-files.js';

/** One span as the collector received it (OTLP/JSON: ids in hex, times in nanoseconds as strings). */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  status?: { code?: number; message?: string };
  /** The span's attributes, flattened: strings, numbers, booleans, arrays of strings. */
  attributes: Record<string, unknown>;
  /** The attributes of its resource. */
  resource: Record<string, unknown>;
}

export interface OtelCollector {
  /** `http://127.0.0.1:PORT`: the OTLP/HTTP base URL (`/v1/traces` appended by exporters). */
  url: string;
  /** Every span received so far. */
  spans(): ReceivedSpan[];
  close(): Promise<void>;
}

/** Builds (first time only) and starts the receiver; resolves once it listens. */
export async function startOtelCollector(): Promise<OtelCollector> {
  const script = join(REPO_ROOT, 'tools', 'otel-collector', 'build.sh');
  const dir = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
    .trim()
    .split('\n')
    .at(-1) as string;
  const work = mkdtempSync(join(tmpdir(), 'otel-collector-'));
  const out = join(work, 'spans.jsonl');
  const child = spawn(join(dir, 'otel-collector'), ['--http', '127.0.0.1:0', '--out', out], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let url: string;
  try {
    url = await listening(child);
  } catch (err) {
    child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    spans: () => {
      let text = '';
      try {
        text = readFileSync(out, 'utf8');
      } catch {}
      return text
        .split('\n')
        .filter((l) => l !== '')
        .flatMap((l) => spansOf(JSON.parse(l)));
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}

function listening(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`otel-collector did not start in 30 s: ${seen}`)),
      30_000,
    );
    const read = (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /OTLP\/HTTP on (http:\/\/[^,\s]+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', (c: Buffer) => {
      seen += c.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`otel-collector exited with ${code}: ${seen}`));
    });
  });
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

function otlpValue(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(otlpValue);
  return undefined;
}

function attributesOf(list: { key: string; value: OtlpValue }[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, otlpValue(a.value)]));
}

/** The spans of one OTLP/JSON trace request. */
function spansOf(request: {
  resourceSpans?: {
    resource?: { attributes?: { key: string; value: OtlpValue }[] };
    scopeSpans?: {
      spans?: (Omit<ReceivedSpan, 'attributes' | 'resource'> & {
        attributes?: { key: string; value: OtlpValue }[];
      })[];
    }[];
  }[];
}): ReceivedSpan[] {
  return (request.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        ...s,
        attributes: attributesOf(s.attributes),
        resource: attributesOf(rs.resource?.attributes),
      })),
    ),
  );
}
