import type { EffectiveRoute } from '../../apis/effective-policy.js';

/** Model of a catch-all route: requests for a model no other route names go there. */
export const CATCH_ALL_MODEL = '*';

export interface RouteMatch {
  route: EffectiveRoute;
  matchedBy: 'model' | 'name' | 'catch-all';
}

/**
 * The route for the model a request names: a route for exactly that model, else a route of that
 * name (so an alias can be a route name), else the catch-all route (`model: "*"`). Undefined when
 * none fits — the sidecar then answers 404 naming the model and the routes it has, rather than
 * guessing a destination the policy never approved.
 */
export function routeFor(routes: readonly EffectiveRoute[], model: string): RouteMatch | undefined {
  let byName: EffectiveRoute | undefined;
  let catchAll: EffectiveRoute | undefined;
  for (const route of routes) {
    if (route.model === model) return { route, matchedBy: 'model' };
    if (!byName && route.name === model) byName = route;
    if (!catchAll && route.model === CATCH_ALL_MODEL) catchAll = route;
  }
  if (byName) return { route: byName, matchedBy: 'name' };
  if (catchAll) return { route: catchAll, matchedBy: 'catch-all' };
  return undefined;
}

/** `gpt-4o (route gpt-4o), claude (route anthropic)` — what a 404 lists. */
export function describeRoutes(routes: readonly EffectiveRoute[]): string {
  if (routes.length === 0) return 'none';
  return routes.map((r) => (r.name === r.model ? r.model : `${r.model} (route ${r.name})`)).join(', ');
}
