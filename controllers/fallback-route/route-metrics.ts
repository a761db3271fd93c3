// The FallbackRoute gauges on the operator's /metrics registry: each target's circuit as the route's
// sidecars report it (0 closed, 1 half-open, 2 open — the sidecar gauge's values) and whether every
// circuit of the route is open.
import { Gauge, type Registry } from 'prom-client';
import type { ObjectKey } from '../../runtime/kube/kube-object.js';
import type { RouteCircuits } from './route-circuits.js';

const VALUE = { Closed: 0, HalfOpen: 1, Open: 2 } as const;

export interface RouteMetrics {
  observe(key: ObjectKey, circuits: RouteCircuits): void;
  forget(key: ObjectKey): void;
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]): Gauge {
  const existing = registry.getSingleMetric(name);
  if (existing) return existing as Gauge;
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

export function routeMetrics(registry: Registry): RouteMetrics {
  const circuit = gauge(
    registry,
    'governor_operator_route_circuit_state',
    "A FallbackRoute target's circuit as the route's sidecars report it: 0 closed, 1 half-open, 2 open.",
    ['namespace', 'route', 'target'],
  );
  const allOpen = gauge(
    registry,
    'governor_operator_route_all_circuits_open',
    '1 while the sidecars report every target of a FallbackRoute open, else 0.',
    ['namespace', 'route'],
  );
  const targetsOf = new Map<string, Set<string>>();
  return {
    observe(key, circuits) {
      const id = `${key.namespace}/${key.name}`;
      const route = { namespace: key.namespace ?? '', route: key.name };
      for (const gone of targetsOf.get(id) ?? []) {
        if (!circuits.targets.has(gone)) circuit.remove({ ...route, target: gone });
      }
      for (const [target, state] of circuits.targets) circuit.set({ ...route, target }, VALUE[state]);
      targetsOf.set(id, new Set(circuits.targets.keys()));
      allOpen.set(route, circuits.allOpen ? 1 : 0);
    },
    forget(key) {
      const id = `${key.namespace}/${key.name}`;
      const route = { namespace: key.namespace ?? '', route: key.name };
      for (const target of targetsOf.get(id) ?? []) circuit.remove({ ...route, target });
      targetsOf.delete(id);
      allOpen.remove(route);
    },
  };
}
