import type { EffectiveRoute } from '../../apis/effective-policy.js';
import { CircuitBreaker, type CircuitState } from './circuit-breaker.js';

/**
 * The circuits of every route's targets, kept across policy changes: a breaker lives as long as its
 * route/target pair and settings do, so a reload that changes nothing about a target keeps its state.
 */
export class CircuitBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly onChange: (route: string, target: string, state: CircuitState) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  breaker(route: EffectiveRoute, target: string): CircuitBreaker {
    const key = `${route.name}\u0000${target}`;
    const settings = route.circuitBreaker;
    let breaker = this.breakers.get(key);
    if (
      !breaker ||
      breaker.settings.failureThreshold !== settings.failureThreshold ||
      breaker.settings.openMs !== settings.openMs ||
      breaker.settings.halfOpenRequests !== settings.halfOpenRequests
    ) {
      breaker = new CircuitBreaker({ ...settings }, this.now, (state) =>
        this.onChange(route.name, target, state),
      );
      this.breakers.set(key, breaker);
      this.onChange(route.name, target, 'Closed');
    }
    return breaker;
  }

  /** The state of a target's circuit, undefined when the sidecar has not called the target. */
  stateOf(route: string, target: string): CircuitState | undefined {
    return this.breakers.get(`${route}\u0000${target}`)?.state;
  }

  /** `{ "route/target": state }` for status reporting. */
  states(): Record<string, CircuitState> {
    const out: Record<string, CircuitState> = {};
    for (const [key, breaker] of this.breakers) out[key.replace('\u0000', '/')] = breaker.state;
    return out;
  }
}
