// A real sidecar for a scenario suite: a config file in a temp directory, the sidecar started
// in-process with startSidecar on a free loopback port, its per-request log lines captured, and
// helpers to read its metrics. Everything is torn down by close().
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { type RunningSidecar, type StartSidecarOptions, startSidecar } from '../sidecar/main.js';

/** One request log line of the sidecar (the fields the suites read). */
export interface LoggedRequest {
  traceId: string;
  api: string;
  requestedModel: string;
  model: string;
  route?: string;
  target?: string;
  attempts: number;
  outcome: string;
  status: number;
  cache: string;
  decisions: string[];
  fallbackReasons?: string[];
  tokens: { input: number; output: number; cachedInput: number; estimated: boolean };
  costMicros: number;
  stream: boolean;
}

export interface SidecarFixture {
  sidecar: RunningSidecar;
  url: string;
  /** `${url}/v1`, the OpenAI SDK base URL. */
  baseURL: string;
  configFile: string;
  dir: string;
  /** Request log lines so far. */
  requests(): LoggedRequest[];
  /** Every log line so far (request lines and others, e.g. reload errors). */
  logLines(): Record<string, unknown>[];
  /** Waits (bounded) until `count` request lines were logged, and returns them. */
  waitForRequests(count: number): Promise<LoggedRequest[]>;
  /** Rewrites the config file (hot reload). */
  writeConfig(config: Record<string, unknown>): void;
  metrics(): Promise<string>;
  close(): Promise<void>;
}

export const CONFIG_HEAD = { apiVersion: 'config.governor.agents.dev/v1alpha1', kind: 'SidecarConfig' };

/** A one-target OpenAI route to `baseUrl` for `model`, with overrides. */
export function openAIRoute(model: string, baseUrl: string, overrides: Record<string, unknown> = {}) {
  return {
    model,
    targets: [{ name: 'primary', provider: 'OpenAI', endpoint: baseUrl, apiKey: 'sk-sidecar-primary' }],
    retries: { attempts: 0, backoff: { base: '10ms', max: '50ms' } },
    ...overrides,
  };
}

export async function startSidecarFixture(
  config: Record<string, unknown>,
  options: Omit<StartSidecarOptions, 'config' | 'logger'> = {},
): Promise<SidecarFixture> {
  const dir = mkdtempSync(join(tmpdir(), 'sidecar-e2e-'));
  const configFile = join(dir, 'sidecar.yaml');
  const write = (c: Record<string, unknown>) =>
    writeFileSync(configFile, stringify({ ...CONFIG_HEAD, ...c }));
  write(config);
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  const sink = new Writable({
    write(chunk, _encoding, done) {
      partial += chunk.toString();
      let newline = partial.indexOf('\n');
      while (newline !== -1) {
        lines.push(JSON.parse(partial.slice(0, newline)));
        partial = partial.slice(newline + 1);
        newline = partial.indexOf('\n');
      }
      done();
    },
  });
  let sidecar: RunningSidecar;
  try {
    sidecar = await startSidecar({
      host: '127.0.0.1',
      port: 0,
      config: configFile,
      logger: pino({ level: 'info' }, sink),
      spoolDir: join(dir, 'spool'),
      ...options,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  // Finished calls are accounted in batches: account the ones held before reading the log.
  const requests = () => {
    sidecar.flushFinishedCalls();
    return lines.filter((l) => l['msg'] === 'request') as unknown as LoggedRequest[];
  };
  return {
    sidecar,
    url: sidecar.url,
    baseURL: `${sidecar.url}/v1`,
    configFile,
    dir,
    requests,
    logLines: () => lines,
    async waitForRequests(count) {
      for (let i = 0; i < 200 && requests().length < count; i++) await sleep(10);
      return requests();
    },
    writeConfig: write,
    async metrics() {
      return (await fetch(`${sidecar.url}/metrics`)).text();
    },
    async close() {
      await sidecar.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The value of one series in Prometheus text (0 when absent). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const matches = Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`));
    if (!matches) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? total : 0;
}
