import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { podTemplateHash } from '../../governance/pod-template-hash.js';
import type { AdmissionRequest } from '../admission/admission-review.js';
import { inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { rolloutHoldHandler } from './rollout-hold-handler.js';

const NS = 'agents';

function deployment(
  image: string,
  extra: { paused?: boolean; annotations?: Record<string, string>; agent?: string } = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'support',
      namespace: NS,
      ...(extra.annotations ? { annotations: extra.annotations } : {}),
    },
    spec: {
      ...(extra.paused !== undefined ? { paused: extra.paused } : {}),
      template: {
        metadata: { labels: { app: 'support', 'governor.agents.dev/agent': extra.agent ?? 'support' } },
        spec: { containers: [{ name: 'app', image }] },
      },
    },
  };
}
const v1 = deployment('support:1');
const v1Hash = podTemplateHash(v1.spec.template);
const v2 = deployment('support:2');
const v2Hash = podTemplateHash(v2.spec.template);

function gate(mode: 'Enforce' | 'Observe', passed?: string) {
  return {
    apiVersion: 'governor.agents.dev/v1alpha1',
    kind: 'EvaluationGate',
    metadata: { name: 'support-gate', namespace: NS },
    spec: {
      agent: 'support',
      corpus: { configMapRef: { name: 'c', key: 'k' } },
      criteria: { minPassRate: 0.9 },
      mode,
    },
    ...(passed ? { status: { passedTemplateHash: passed } } : {}),
  };
}

function update(
  object: unknown,
  oldObject: unknown,
  extra: Partial<AdmissionRequest> = {},
): AdmissionRequest {
  return {
    uid: 'u',
    kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
    resource: { group: 'apps', version: 'v1', resource: 'deployments' },
    namespace: NS,
    name: 'support',
    operation: 'UPDATE',
    userInfo: { username: 'argocd' },
    object,
    oldObject,
    ...extra,
  };
}

const handler = (gates: unknown[]) => rolloutHoldHandler(inMemoryClusterView({ evaluationGates: gates }));

describe('rolloutHoldHandler', () => {
  it('pauses a new template of a gated agent and records the hash it is held for', async () => {
    const verdict = await handler([gate('Enforce', v1Hash)]).handle(update(v2, v1));
    assert.equal(verdict.allowed, true);
    assert.deepEqual(verdict.allowed && verdict.patch, [
      { op: 'add', path: '/spec/paused', value: true },
      { op: 'add', path: '/metadata/annotations', value: { 'governor.agents.dev/evaluation-hold': v2Hash } },
    ]);
    assert.match(
      (verdict.allowed && verdict.warnings?.[0]) || '',
      /EvaluationGate support-gate evaluates template/,
    );
  });

  it('adds the annotation beside existing ones (the key escaped as a JSON pointer)', async () => {
    const annotated = deployment('support:2', { annotations: { team: 'support' } });
    const verdict = await handler([gate('Enforce', v1Hash)]).handle(update(annotated, v1));
    assert.deepEqual(verdict.allowed && verdict.patch?.[1], {
      op: 'add',
      path: '/metadata/annotations/governor.agents.dev~1evaluation-hold',
      value: v2Hash,
    });
  });

  it('lets through what is not a new, unpassed template of an Enforce gate’s agent', async () => {
    const cases: [string, unknown[], AdmissionRequest][] = [
      [
        'same template (scale, release)',
        [gate('Enforce', v1Hash)],
        update(deployment('support:1', { paused: false }), v1),
      ],
      ['back to the passed template', [gate('Enforce', v1Hash)], update(v1, v2)],
      ['Observe mode', [gate('Observe', v1Hash)], update(v2, v1)],
      ['nothing passed yet', [gate('Enforce')], update(v2, v1)],
      [
        'another agent',
        [gate('Enforce', v1Hash)],
        update(deployment('x:2', { agent: 'other' }), deployment('x:1', { agent: 'other' })),
      ],
      ['no gate', [], update(v2, v1)],
      ['a CREATE', [gate('Enforce', v1Hash)], update(v2, undefined, { operation: 'CREATE' })],
      ['the scale subresource', [gate('Enforce', v1Hash)], update(v2, v1, { subResource: 'scale' })],
      [
        'already held for this template',
        [gate('Enforce', v1Hash)],
        update(
          deployment('support:2', {
            paused: true,
            annotations: { 'governor.agents.dev/evaluation-hold': v2Hash },
          }),
          v1,
        ),
      ],
    ];
    for (const [what, gates, request] of cases) {
      const verdict = await handler(gates).handle(request);
      assert.deepEqual(verdict, { allowed: true }, what);
    }
  });
});
