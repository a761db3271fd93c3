// The manager's HTTP endpoints: /metrics for Prometheus, /healthz and /readyz for the kubelet — on
// one server when both are asked for on the same address, else on two (the chart probes one port and
// scrapes the other).
import type { Registry } from 'prom-client';
import type { Check } from '../http/health-checks.js';
import { type ListeningServer, startProbeServer } from '../http/probe-server.js';

export interface Listen {
  host: string;
  /** 0 picks a free port. */
  port: number;
}

export interface ProbeEndpoints {
  metricsUrl: string | undefined;
  healthUrl: string | undefined;
  close(): Promise<void>;
}

/** Listens as asked; when one server cannot listen, closes those that did and throws. */
export async function startProbeEndpoints(options: {
  metrics: Listen | false;
  health: Listen | false;
  registry: Registry;
  healthz: Check[];
  readyz: Check[];
}): Promise<ProbeEndpoints> {
  const servers: ListeningServer[] = [];
  const close = async () => {
    await Promise.all(servers.map((server) => server.close()));
  };
  let metricsUrl: string | undefined;
  let healthUrl: string | undefined;
  try {
    const health = { healthz: options.healthz, readyz: options.readyz };
    if (options.metrics && options.health && sameAddress(options.metrics, options.health)) {
      const server = await startProbeServer(options.metrics.host, options.metrics.port, {
        health,
        metrics: options.registry,
      });
      servers.push(server);
      metricsUrl = healthUrl = server.url;
    } else {
      if (options.metrics) {
        const server = await startProbeServer(options.metrics.host, options.metrics.port, {
          metrics: options.registry,
        });
        servers.push(server);
        metricsUrl = server.url;
      }
      if (options.health) {
        const server = await startProbeServer(options.health.host, options.health.port, { health });
        servers.push(server);
        healthUrl = server.url;
      }
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { metricsUrl, healthUrl, close };
}

/** Port 0 twice means two free ports, not one shared. */
function sameAddress(a: Listen, b: Listen): boolean {
  return a.host === b.host && a.port === b.port && a.port !== 0;
}
