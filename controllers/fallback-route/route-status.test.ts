import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents } from '../../agents/agent-discovery.js';
import { compileResidency } from '../../apis/compile/residency.js';
import { type FallbackRoute, fallbackRoute } from '../../apis/fallback-route.js';
import { routeCircuits } from './route-circuits.js';
import { routeVerdict } from './route-status.js';

const agentLabel = 'governor.agents.dev/agent';
const route = (
  name: string,
  endpoints: Array<{ name: string; endpoint: string; region?: string }>,
  created = '2026-01-01T00:00:00Z',
  model = 'gpt-4o',
) =>
  fallbackRoute.parse({
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'FallbackRoute',
    metadata: { name, namespace: 'agents', creationTimestamp: created },
    spec: {
      agentSelector: { matchLabels: { team: 'growth' } },
      model,
      targets: endpoints.map((e) => ({ provider: 'OpenAI', ...e })),
    },
  }) as FallbackRoute;
const euOnly = (mode: 'Enforce' | 'Warn' | 'Audit') =>
  compileResidency([
    {
      name: 'eu-only',
      spec: {
        mode,
        allowedJurisdictions: ['EU', 'CH'],
        allowedRegions: ['eu-central-1'],
        unknownEndpoints: 'Deny',
      },
    },
  ]);
const agents = [
  ...discoverAgents([
    {
      kind: 'Deployment',
      objects: [
        {
          metadata: { name: 'm', namespace: 'agents' },
          spec: { template: { metadata: { labels: { [agentLabel]: 'marketing', team: 'growth' } } } },
        },
        {
          metadata: { name: 's', namespace: 'agents' },
          spec: { template: { metadata: { labels: { [agentLabel]: 'support' } } } },
        },
      ],
    },
  ]).values(),
];

const twoTargets = () =>
  route('gpt-4o', [
    { name: 'a', endpoint: 'https://eu.api.openai.com/v1' },
    { name: 'b', endpoint: 'https://eu.api.openai.com/v1' },
  ]);
const reported = (states: Record<string, 'Closed' | 'Open' | 'HalfOpen'>, active?: string) =>
  routeCircuits(
    'gpt-4o',
    ['a', 'b'],
    [
      {
        instance: 'pod-1',
        observedAt: new Date(Date.now() - 1_000).toISOString(),
        routes: [
          {
            route: 'gpt-4o',
            ...(active ? { activeTarget: active } : {}),
            targets: Object.entries(states).map(([target, state]) => ({ target, state })),
          },
        ],
      },
    ],
    new Date(),
  );

describe('routeVerdict: circuits from the sidecars', () => {
  it('writes each target’s circuit, the active target and the summary; one open circuit stays Ready', () => {
    const r = twoTargets();
    const v = routeVerdict({
      route: r,
      residency: undefined,
      agents,
      routes: [r],
      circuits: reported({ a: 'Open', b: 'Closed' }, 'b'),
    });
    assert.equal(v.health.state, 'Ready');
    assert.deepEqual(
      v.resolvedTargets.map((t) => [t.name, t.circuit]),
      [
        ['a', 'Open'],
        ['b', 'Closed'],
      ],
    );
    assert.equal(v.activeTarget, 'b');
    assert.equal(v.circuit, 'a: Open, b: Closed');
    assert.match(v.health.message, /circuit a: Open/);
  });

  it('stalls with AllCircuitsOpen when every target’s circuit is open', () => {
    const r = twoTargets();
    const v = routeVerdict({
      route: r,
      residency: undefined,
      agents,
      routes: [r],
      circuits: reported({ a: 'Open', b: 'Open' }),
    });
    assert.equal(v.health.state, 'Stalled');
    assert.equal(v.health.reason, 'AllCircuitsOpen');
    assert.match(v.health.message, /a: Open, b: Open; 1 sidecar\(s\) reporting/);
    assert.equal(v.activeTarget, undefined);
    assert.deepEqual(
      v.conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'False', 'AllCircuitsOpen'],
        ['Stalled', 'True', 'AllCircuitsOpen'],
      ],
    );
  });

  it('a forbidden region is named before open circuits', () => {
    const r = route('gpt-4o', [{ name: 'a', endpoint: 'https://api.openai.com/v1' }]);
    const circuits = routeCircuits(
      'gpt-4o',
      ['a'],
      [
        {
          instance: 'p',
          observedAt: new Date().toISOString(),
          routes: [{ route: 'gpt-4o', targets: [{ target: 'a', state: 'Open' }] }],
        },
      ],
      new Date(),
    );
    const v = routeVerdict({ route: r, residency: euOnly('Enforce'), agents, routes: [r], circuits });
    assert.equal(v.health.reason, 'TargetRegionForbidden');
  });

  it('without reports: no circuit fields', () => {
    const r = twoTargets();
    const v = routeVerdict({ route: r, residency: undefined, agents, routes: [r], circuits: reported({}) });
    assert.equal(v.health.state, 'Ready');
    assert.equal(v.circuit, undefined);
    assert.ok(v.resolvedTargets.every((t) => t.circuit === undefined));
  });
});

describe('routeVerdict', () => {
  it('is Ready with resolved targets when every target is allowed', () => {
    const r = route('gpt-4o', [{ name: 'openai-eu', endpoint: 'https://eu.api.openai.com/v1' }]);
    const v = routeVerdict({ route: r, residency: euOnly('Enforce'), agents, routes: [r] });
    assert.equal(v.health.state, 'Ready');
    assert.equal(v.agents, 1);
    assert.deepEqual(v.resolvedTargets, [
      { name: 'openai-eu', host: 'eu.api.openai.com', region: 'eu', jurisdiction: 'EU', allowed: true },
    ]);
    assert.deepEqual(
      v.conditions.map((c) => [c.type, c.status]),
      [['Ready', 'True']],
    );
  });

  it('stalls on a US target under an EU-only policy in Enforce mode, naming target, region and policy', () => {
    const r = route('gpt-4o', [
      { name: 'openai-eu', endpoint: 'https://eu.api.openai.com/v1' },
      { name: 'openai-us', endpoint: 'https://api.openai.com/v1' },
    ]);
    const v = routeVerdict({ route: r, residency: euOnly('Enforce'), agents, routes: [r] });
    assert.equal(v.health.state, 'Stalled');
    assert.equal(v.health.reason, 'TargetRegionForbidden');
    assert.match(v.health.message, /target openai-us/);
    assert.match(v.health.message, /region us/);
    assert.match(v.health.message, /"eu-only"/);
    assert.deepEqual(
      v.resolvedTargets.map((t) => t.allowed),
      [true, false],
    );
    assert.deepEqual(
      v.conditions.map((c) => [c.type, c.status, c.reason]),
      [
        ['Ready', 'False', 'TargetRegionForbidden'],
        ['Stalled', 'True', 'TargetRegionForbidden'],
      ],
    );
  });

  it('stays Ready in Warn mode but marks the target not allowed and says why', () => {
    const r = route('gpt-4o', [{ name: 'openai-us', endpoint: 'https://api.openai.com/v1' }]);
    const v = routeVerdict({ route: r, residency: euOnly('Warn'), agents, routes: [r] });
    assert.equal(v.health.state, 'Ready');
    assert.equal(v.resolvedTargets[0]?.allowed, false);
    assert.match(v.health.message, /openai-us/);
  });

  it('uses a declared region for a host the catalog cannot place', () => {
    const r = route('gpt-4o', [
      { name: 'gw', endpoint: 'https://llm.example.net/v1', region: 'eu-central-1' },
    ]);
    const v = routeVerdict({ route: r, residency: euOnly('Enforce'), agents, routes: [r] });
    assert.equal(v.health.state, 'Ready');
    assert.deepEqual(v.resolvedTargets[0], {
      name: 'gw',
      host: 'llm.example.net',
      region: 'eu-central-1',
      jurisdiction: 'EU',
      allowed: true,
    });
  });

  it('allows everything without residency policies, and notes unplaced targets', () => {
    const r = route('gpt-4o', [{ name: 'gw', endpoint: 'https://llm.example.net/v1' }]);
    const v = routeVerdict({ route: r, residency: undefined, agents, routes: [r] });
    assert.equal(v.health.state, 'Ready');
    assert.equal(v.resolvedTargets[0]?.allowed, true);
    assert.match(v.health.message, /region of gw unknown/);
  });

  it('stalls the newer of two routes claiming one model for the same agent', () => {
    const older = route(
      'gpt-4o',
      [{ name: 'a', endpoint: 'https://eu.api.openai.com/v1' }],
      '2026-01-01T00:00:00Z',
    );
    const newer = route(
      'gpt-4o-too',
      [{ name: 'b', endpoint: 'https://eu.api.openai.com/v1' }],
      '2026-02-01T00:00:00Z',
    );
    const v = routeVerdict({ route: newer, residency: undefined, agents, routes: [older, newer] });
    assert.equal(v.health.state, 'Stalled');
    assert.equal(v.health.reason, 'ConflictingRoutes');
    assert.match(v.health.message, /route gpt-4o already claims model gpt-4o for agent agents\/marketing/);
    assert.equal(v.agents, 0);
    const w = routeVerdict({ route: older, residency: undefined, agents, routes: [older, newer] });
    assert.equal(w.health.state, 'Ready');
    assert.equal(w.agents, 1);
  });

  it('does not count routes for other models as conflicts', () => {
    const a = route('gpt-4o', [{ name: 'a', endpoint: 'https://eu.api.openai.com/v1' }]);
    const b = route(
      'mini',
      [{ name: 'b', endpoint: 'https://eu.api.openai.com/v1' }],
      '2026-02-01T00:00:00Z',
      'gpt-4o-mini',
    );
    assert.equal(
      routeVerdict({ route: b, residency: undefined, agents, routes: [a, b] }).health.state,
      'Ready',
    );
  });
});
