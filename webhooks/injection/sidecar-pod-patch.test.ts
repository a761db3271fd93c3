import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { V1Pod } from '@kubernetes/client-node';
import { SIDECAR_LABEL } from './injection-labels.js';
import { defaultInjectionOptions } from './injection-options.js';
import { sidecarPlan } from './sidecar-container.js';
import { sidecarPodPatch } from './sidecar-pod-patch.js';
import { applyJsonPatch } from './testdata/apply-json-patch.js';

const options = defaultInjectionOptions('agent-governor-system');
const plan = sidecarPlan({ namespace: 'agents', name: 'support' }, [], options);

function injected(pod: V1Pod) {
  const { patch } = sidecarPodPatch(pod, plan, options);
  return { patch, pod: applyJsonPatch(pod, patch) };
}

describe('sidecarPodPatch: the sidecar label the PodMonitor selects on', () => {
  const cases: Array<[string, V1Pod['metadata']]> = [
    ['a pod with labels', { labels: { 'governor.agents.dev/agent': 'support', team: 'a' } }],
    ['a pod without labels', { name: 'bare' }],
    ['a pod whose label says something else', { labels: { [SIDECAR_LABEL]: 'removed' } }],
  ];
  for (const [what, metadata] of cases) {
    it(`labels ${what} governor.agents.dev/sidecar=injected, keeping its own labels, once`, () => {
      const pod: V1Pod = { metadata, spec: { containers: [{ name: 'app', image: 'agent:1' }] } };
      const once = injected(pod);
      assert.equal(once.pod.metadata?.labels?.[SIDECAR_LABEL], 'injected');
      for (const [key, value] of Object.entries(metadata?.labels ?? {})) {
        if (key !== SIDECAR_LABEL) assert.equal(once.pod.metadata?.labels?.[key], value, key);
      }
      const twice = injected(once.pod);
      assert.deepEqual(twice.patch, [], 'a second pass changes nothing');
    });
  }

  it('labels a pod that already carries the sidecar (copied from an injected one) but not the label', () => {
    const copied: V1Pod = {
      metadata: { labels: { team: 'a' }, annotations: { 'governor.agents.dev/injected': '{}' } },
      spec: { initContainers: [plan.container], containers: [{ name: 'app', image: 'agent:1' }] },
    };
    const once = injected(copied);
    assert.deepEqual(
      once.patch.filter((op) => op.path.startsWith('/metadata')).map((op) => op.path),
      ['/metadata/labels/governor.agents.dev~1sidecar'],
    );
  });
});
