import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_VERSION } from '../../apis/group-version.js';
import type { AdmissionRequest, AdmissionVerdict } from '../admission/admission-review.js';
import { policy, route } from '../residency/testdata/residency-case.js';
import { type ClusterObjects, inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { governorObjectsHandler } from './governor-objects-handler.js';

const NS = 'agents';
const US = 'https://api.openai.com/v1';
const EU = 'https://eu.api.openai.com/v1';
const EU_LABELS = { 'residency-case': 'eu' };
const EU_ONLY = policy('eu-only');
const EU_WARN = policy('eu-warn', { mode: 'Warn' });
const EU_AUDIT = policy('eu-audit', { mode: 'Audit' });

type Manifest = { metadata: Record<string, unknown>; spec: Record<string, unknown> } & Record<
  string,
  unknown
>;
const inNs = (m: unknown, namespace = NS): Manifest => {
  const manifest = m as Manifest;
  return { ...manifest, metadata: { ...manifest.metadata, namespace } };
};
const routeWith = (name: string, agentSelector: unknown, model = 'gpt-4o', endpoint = EU): Manifest =>
  inNs({
    apiVersion: API_VERSION,
    kind: 'FallbackRoute',
    metadata: { name },
    spec: { agentSelector, model, targets: [{ name: 'primary', provider: 'OpenAI', endpoint }] },
  });
const withDegradeTo = (m: Manifest, model: string): Manifest => ({
  ...m,
  spec: { ...m.spec, degradeTo: { model } },
});
const budget = (degrade?: unknown): Manifest =>
  inNs({
    apiVersion: API_VERSION,
    kind: 'TokenBudget',
    metadata: { name: 'team-budget' },
    spec: { agentSelector: {}, limits: { tokens: 1000 }, ...(degrade ? { degrade } : {}) },
  });
const slo = (onFastBurn?: unknown): Manifest =>
  inNs({
    apiVersion: API_VERSION,
    kind: 'AgentSLO',
    metadata: { name: 'chat-slo' },
    spec: {
      agentSelector: {},
      objectives: { success: { target: '99' } },
      ...(onFastBurn ? { onFastBurn } : {}),
    },
  });

interface Row {
  name: string;
  cluster: ClusterObjects;
  object: Manifest;
  operation?: 'CREATE' | 'UPDATE';
  oldObject?: Manifest;
  /** allowed: no warnings; warned: allowed with warnings; else the denial code. */
  expect: 'allowed' | 'warned' | 403 | 409;
  /** Text the message (denials) or the warnings must contain. */
  mentions?: string[];
}

const euNamespace = (extra: ClusterObjects = {}): ClusterObjects => ({
  namespaces: { [NS]: EU_LABELS, 'agent-governor-system': EU_LABELS, other: {} },
  residencyPolicies: [EU_ONLY],
  ...extra,
});

const rows: Row[] = [
  {
    name: 'FallbackRoute: EU targets under an EU-only policy',
    cluster: euNamespace(),
    object: inNs(route('gpt-4o', 'chat', { 'openai-eu': EU, mistral: 'https://api.mistral.ai/v1' })),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: a US target under an Enforce policy is denied with field path, value and why',
    cluster: euNamespace(),
    object: inNs(route('gpt-4o', 'chat', { 'openai-eu': EU, 'openai-us': US })),
    expect: 403,
    mentions: [
      'FallbackRoute agents/gpt-4o: spec.targets[1].endpoint "https://api.openai.com/v1" (target openai-us): ' +
        'egress to api.openai.com (region us, jurisdiction US) is not allowed by residency policy "residency-case-eu-only"',
      'Remove the target or point it at an allowed region.',
    ],
  },
  {
    name: 'FallbackRoute: a US target under a Warn policy is warned about',
    cluster: euNamespace({ residencyPolicies: [EU_WARN] }),
    object: inNs(route('gpt-4o', 'chat', { 'openai-us': US })),
    expect: 'warned',
    mentions: [
      'FallbackRoute agents/gpt-4o: spec.targets[0].endpoint (target openai-us) → api.openai.com, region us, is not allowed by residency policy residency-case-eu-warn (Warn)',
    ],
  },
  {
    name: 'FallbackRoute: a US target under an Audit policy is left to the audit',
    cluster: euNamespace({ residencyPolicies: [EU_AUDIT] }),
    object: inNs(route('gpt-4o', 'chat', { 'openai-us': US })),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: an unplaced host is judged by the region the target declares',
    cluster: euNamespace(),
    object: inNs({
      apiVersion: API_VERSION,
      kind: 'FallbackRoute',
      metadata: { name: 'private' },
      spec: {
        agentSelector: {},
        model: 'gpt-4o',
        targets: [
          {
            name: 'gw',
            provider: 'OpenAICompatible',
            endpoint: 'https://gw.example.com/v1',
            region: 'eu-west-1',
          },
        ],
      },
    }),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: an unplaced host without a region is unknown and denied',
    cluster: euNamespace(),
    object: inNs(route('private', 'chat', { gw: 'https://gw.example.com/v1' })),
    expect: 403,
    mentions: ['spec.targets[0].endpoint "https://gw.example.com/v1" (target gw)', 'unknown region'],
  },
  {
    name: "FallbackRoute: the operator's namespace is exempt",
    cluster: euNamespace({ residencyPolicies: [policy('everywhere', { selects: {} })] }),
    object: inNs(route('gpt-4o', 'chat', { 'openai-us': US }), 'agent-governor-system'),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: a namespace the policy does not select',
    cluster: euNamespace(),
    object: inNs(route('gpt-4o', 'chat', { 'openai-us': US }), 'other'),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: the same model for the same agents is a conflict naming both routes',
    cluster: euNamespace({ fallbackRoutes: [routeWith('gpt-4o-main', { matchLabels: { app: 'chat' } })] }),
    object: routeWith('gpt-4o-backup', { matchLabels: { app: 'chat' } }),
    expect: 409,
    mentions: [
      'FallbackRoute agents/gpt-4o-backup: spec.model "gpt-4o" with spec.agentSelector {app=chat} and FallbackRoute agents/gpt-4o-main (agentSelector {app=chat}) claim the same model for the same agents',
      'Change spec.model, or narrow spec.agentSelector',
    ],
  },
  {
    name: 'FallbackRoute: a route for every agent against one for some is a conflict',
    cluster: euNamespace({ fallbackRoutes: [routeWith('chat-only', { matchLabels: { app: 'chat' } })] }),
    object: routeWith('everyone', {}),
    expect: 409,
    mentions: ['agentSelector {}', 'FallbackRoute agents/chat-only'],
  },
  {
    name: 'FallbackRoute: selectors that only might meet are warned about',
    cluster: euNamespace({ fallbackRoutes: [routeWith('team-a', { matchLabels: { team: 'a' } })] }),
    object: routeWith('gold', { matchLabels: { tier: 'gold' } }),
    expect: 'warned',
    mentions: ['for an agent carrying the labels of both selectors'],
  },
  {
    name: 'FallbackRoute: disjoint selectors share no agent',
    cluster: euNamespace({ fallbackRoutes: [routeWith('chat', { matchLabels: { app: 'chat' } })] }),
    object: routeWith('search', { matchLabels: { app: 'search' } }),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: another model for the same agents is fine',
    cluster: euNamespace({ fallbackRoutes: [routeWith('gpt-4o', { matchLabels: { app: 'chat' } })] }),
    object: routeWith('claude', { matchLabels: { app: 'chat' } }, 'claude-sonnet'),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: an UPDATE does not conflict with its own stored version',
    cluster: euNamespace({ fallbackRoutes: [routeWith('gpt-4o', { matchLabels: { app: 'chat' } })] }),
    operation: 'UPDATE',
    oldObject: routeWith('gpt-4o', { matchLabels: { app: 'chat' } }),
    object: routeWith('gpt-4o', { matchLabels: { app: 'chat' } }, 'gpt-4o', 'https://api.mistral.ai/v1'),
    expect: 'allowed',
  },
  {
    name: 'FallbackRoute: an UPDATE keeping a conflict it already had is warned about, not refused',
    cluster: euNamespace({
      fallbackRoutes: [
        routeWith('a', { matchLabels: { app: 'chat' } }),
        routeWith('b', { matchLabels: { app: 'chat' } }),
      ],
    }),
    operation: 'UPDATE',
    oldObject: routeWith('b', { matchLabels: { app: 'chat' } }),
    object: {
      ...routeWith('b', { matchLabels: { app: 'chat' } }),
      metadata: { name: 'b', namespace: NS, labels: { x: 'y' } },
    },
    expect: 'warned',
    mentions: ['already so before this update'],
  },
  {
    name: 'FallbackRoute: a residency denial and a conflict are reported together',
    cluster: euNamespace({ fallbackRoutes: [routeWith('main', { matchLabels: { app: 'chat' } })] }),
    object: routeWith('us', { matchLabels: { app: 'chat' } }, 'gpt-4o', US),
    expect: 403,
    mentions: [
      'spec.targets[0].endpoint "https://api.openai.com/v1"',
      'claim the same model for the same agents',
    ],
  },
  {
    name: 'TokenBudget: a degrade route that does not exist (yet) is warned about',
    cluster: euNamespace(),
    object: budget({ fallbackRouteRef: { name: 'gpt-4o-cheap' } }),
    expect: 'warned',
    mentions: [
      'TokenBudget agents/team-budget: spec.degrade.fallbackRouteRef.name "gpt-4o-cheap" names no FallbackRoute in this namespace (yet)',
      'Create it or fix the name',
    ],
  },
  {
    name: 'TokenBudget: a degrade route with a cheaper model',
    cluster: euNamespace({
      fallbackRoutes: [withDegradeTo(inNs(route('gpt-4o', 'chat', { eu: EU })), 'gpt-4o-mini')],
    }),
    object: budget({ fallbackRouteRef: { name: 'gpt-4o' } }),
    expect: 'allowed',
  },
  {
    name: 'TokenBudget: a degrade route without degradeTo gives Degrade nothing to switch to',
    cluster: euNamespace({ fallbackRoutes: [inNs(route('gpt-4o', 'chat', { eu: EU }))] }),
    object: budget({ fallbackRouteRef: { name: 'gpt-4o' } }),
    expect: 'warned',
    mentions: ['has no spec.degradeTo and spec.degrade.model is unset'],
  },
  {
    name: 'TokenBudget: no degrade settings, nothing to check',
    cluster: euNamespace(),
    object: budget(),
    expect: 'allowed',
  },
  {
    name: 'AgentSLO: a fast-burn route that does not exist is warned about',
    cluster: euNamespace(),
    object: slo({ actions: ['SwitchToFallback'], fallbackRouteRef: { name: 'gpt-4o' } }),
    expect: 'warned',
    mentions: [
      'AgentSLO agents/chat-slo: spec.onFastBurn.fallbackRouteRef.name "gpt-4o" names no FallbackRoute',
    ],
  },
  {
    name: 'AgentSLO: SwitchToFallback on a route with a single target has nowhere to go',
    cluster: euNamespace({ fallbackRoutes: [inNs(route('gpt-4o', 'chat', { eu: EU }))] }),
    object: slo({ actions: ['SwitchToFallback'], fallbackRouteRef: { name: 'gpt-4o' } }),
    expect: 'warned',
    mentions: ['has a single target'],
  },
  {
    name: 'AgentSLO: a route with a next target',
    cluster: euNamespace({
      fallbackRoutes: [inNs(route('gpt-4o', 'chat', { eu: EU, mistral: 'https://api.mistral.ai/v1' }))],
    }),
    object: slo({ actions: ['SwitchToFallback'], fallbackRouteRef: { name: 'gpt-4o' } }),
    expect: 'allowed',
  },
  {
    name: 'DataResidencyPolicy: existing routes it would forbid are listed as warnings, not refused',
    cluster: {
      namespaces: { [NS]: EU_LABELS, 'agent-governor-system': EU_LABELS, other: {} },
      fallbackRoutes: [
        inNs(route('gpt-4o', 'chat', { 'openai-eu': EU, 'openai-us': US })),
        inNs(route('claude', 'chat', { anthropic: 'https://api.anthropic.com' }, 'claude'), 'other'),
        inNs(route('ops', 'ops', { 'openai-us': US }), 'agent-governor-system'),
      ],
    },
    object: EU_ONLY as Manifest,
    expect: 'warned',
    mentions: [
      'DataResidencyPolicy residency-case-eu-only (Enforce) forbids FallbackRoute agents/gpt-4o spec.targets[1] (openai-us) → api.openai.com, region us',
    ],
  },
  {
    name: 'DataResidencyPolicy: an allowed region no endpoint can be in (misspelt) is warned about',
    cluster: { namespaces: { [NS]: EU_LABELS }, fallbackRoutes: [] },
    object: {
      ...(EU_ONLY as Manifest),
      spec: { ...(EU_ONLY as Manifest).spec, allowedRegions: ['eu-west1'] },
    },
    expect: 'warned',
    mentions: [
      'DataResidencyPolicy residency-case-eu-only: spec.allowedRegions[0]: eu-west1 is no region the endpoint catalog knows (did you mean',
    ],
  },
  {
    name: 'DataResidencyPolicy: routes in its namespaces all allowed',
    cluster: {
      namespaces: { [NS]: EU_LABELS },
      fallbackRoutes: [inNs(route('gpt-4o', 'chat', { 'openai-eu': EU }))],
    },
    object: EU_ONLY as Manifest,
    expect: 'allowed',
  },
];

function requestOf(row: Row): AdmissionRequest {
  const kind = row.object.kind as string;
  const namespace = (row.object.metadata.namespace as string | undefined) ?? '';
  return {
    uid: 'u',
    kind: { group: 'governor.agents.dev', version: 'v1alpha1', kind },
    resource: { group: 'governor.agents.dev', version: 'v1alpha1', resource: `${kind.toLowerCase()}s` },
    namespace,
    name: row.object.metadata.name as string,
    operation: row.operation ?? 'CREATE',
    userInfo: {},
    object: row.object,
    ...(row.oldObject ? { oldObject: row.oldObject } : {}),
  };
}

function check(row: Row, verdict: AdmissionVerdict): void {
  const shown = JSON.stringify(verdict, null, 2);
  const contains = (text: string) => {
    for (const part of row.mentions ?? [])
      assert.ok(text.includes(part), `expected ${JSON.stringify(part)} in:\n${text}`);
  };
  if (row.expect === 'allowed') {
    assert.deepEqual(verdict, { allowed: true }, shown);
    return;
  }
  if (row.expect === 'warned') {
    assert.equal(verdict.allowed, true, shown);
    assert.ok((verdict.warnings ?? []).length > 0, shown);
    contains((verdict.warnings ?? []).join('\n'));
    return;
  }
  assert.equal(verdict.allowed, false, shown);
  if (verdict.allowed) return;
  assert.equal(verdict.code, row.expect);
  assert.equal(verdict.reason, row.expect === 403 ? 'Forbidden' : 'Conflict');
  contains(verdict.message);
}

describe('governorObjectsHandler', () => {
  for (const row of rows) {
    it(row.name, async () =>
      check(row, await governorObjectsHandler(inMemoryClusterView(row.cluster)).handle(requestOf(row))),
    );
  }

  it('caps warnings at ten and counts the rest', async () => {
    const targets = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`us-${i}`, US]));
    const view = inMemoryClusterView({
      namespaces: { [NS]: EU_LABELS },
      fallbackRoutes: [inNs(route('a', 'x', targets)), inNs(route('b', 'y', { 'us-a': US, 'us-b': US }))],
    });
    const verdict = await governorObjectsHandler(view).handle(
      requestOf({ name: '', cluster: {}, object: EU_ONLY as Manifest, expect: 'warned' }),
    );
    assert.equal(verdict.warnings?.length, 11);
    assert.equal(verdict.warnings?.[10], 'and 2 more warnings');
  });

  it('lets through what it does not check: DELETE, other groups, subresources, objects being deleted', async () => {
    const handler = governorObjectsHandler(inMemoryClusterView(euNamespace()));
    const request = requestOf({
      name: '',
      cluster: {},
      object: inNs(route('gpt-4o', 'chat', { us: US })),
      expect: 403,
    });
    assert.equal((await handler.handle(request)).allowed, false, 'the probe itself is denied');
    assert.deepEqual(await handler.handle({ ...request, operation: 'DELETE' }), { allowed: true });
    assert.deepEqual(await handler.handle({ ...request, kind: { ...request.kind, group: 'example.com' } }), {
      allowed: true,
    });
    assert.deepEqual(await handler.handle({ ...request, subResource: 'status' }), { allowed: true });
    const object = request.object as Manifest;
    const deleting = {
      ...object,
      metadata: { ...object.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    };
    assert.deepEqual(await handler.handle({ ...request, operation: 'UPDATE', object: deleting }), {
      allowed: true,
    });
  });

  it('lets an object its schema cannot read through with a warning naming it', async () => {
    const handler = governorObjectsHandler(inMemoryClusterView(euNamespace()));
    const broken = { ...inNs(route('gpt-4o', 'chat', { us: US })), spec: { model: 'gpt-4o' } };
    const verdict = await handler.handle(
      requestOf({ name: '', cluster: {}, object: broken, expect: 'warned' }),
    );
    assert.equal(verdict.allowed, true);
    assert.match(
      verdict.warnings?.[0] ?? '',
      /^FallbackRoute agents\/gpt-4o could not be read for cross-object checks/,
    );
  });
});
