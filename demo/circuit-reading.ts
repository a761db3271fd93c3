// The circuit of each route target as a sidecar reports it on /metrics
// (`governor_sidecar_circuit_state{route,target}`: 0 closed, 1 half-open, 2 open), read the way a
// person with curl or Prometheus would.
import { request } from 'undici';

export type CircuitState = 'Closed' | 'HalfOpen' | 'Open';

const STATES: Record<string, CircuitState> = { '0': 'Closed', '1': 'HalfOpen', '2': 'Open' };
const SERIES = /^governor_sidecar_circuit_state\{([^}]*)\}\s+(\S+)/;

/** Circuit state per target of `route` in Prometheus text. Pure. */
export function circuitStates(metricsText: string, route: string): Record<string, CircuitState> {
  const states: Record<string, CircuitState> = {};
  for (const line of metricsText.split('\n')) {
    const match = SERIES.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries(
      [...match[1]!.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    const state = STATES[match[2]!];
    if (labels['route'] === route && labels['target'] && state) states[labels['target']] = state;
  }
  return states;
}

export async function readCircuits(sidecarUrl: string, route: string): Promise<Record<string, CircuitState>> {
  const response = await request(`${sidecarUrl}/metrics`, { headersTimeout: 5_000, bodyTimeout: 5_000 });
  return circuitStates(await response.body.text(), route);
}
