import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeRoutes, routeFor } from './route-for.js';
import { testRoute } from './testdata.js';

describe('routeFor', () => {
  const routes = [
    testRoute({ name: 'gpt-4o', model: 'gpt-4o' }),
    testRoute({ name: 'fast', model: 'gpt-4o-mini' }),
    testRoute({ name: 'everything-else', model: '*' }),
  ];
  const cases: [string, string | undefined, string | undefined][] = [
    ['gpt-4o', 'gpt-4o', 'model'],
    ['gpt-4o-mini', 'fast', 'model'],
    ['fast', 'fast', 'name'],
    ['claude-sonnet-4', 'everything-else', 'catch-all'],
  ];
  for (const [model, route, by] of cases) {
    it(`sends ${model} to ${route} (by ${by})`, () => {
      const match = routeFor(routes, model);
      assert.equal(match?.route.name, route);
      assert.equal(match?.matchedBy, by);
    });
  }
  it('finds nothing without a catch-all', () =>
    assert.equal(routeFor(routes.slice(0, 2), 'claude'), undefined));
  it('prefers an exact model over an earlier route of that name', () => {
    const match = routeFor(
      [testRoute({ name: 'gpt-4o-mini', model: 'x' }), testRoute({ name: 'y', model: 'gpt-4o-mini' })],
      'gpt-4o-mini',
    );
    assert.equal(match?.route.name, 'y');
  });
  it('lists routes for a 404', () => {
    assert.equal(describeRoutes(routes), 'gpt-4o, gpt-4o-mini (route fast), * (route everything-else)');
    assert.equal(describeRoutes([]), 'none');
  });
});
