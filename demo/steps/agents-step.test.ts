import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultInjectionOptions } from '../../webhooks/injection/injection-options.js';
import { sidecarPlan } from '../../webhooks/injection/sidecar-container.js';
import { describeContainers, injectedSidecar, type Pod } from './agents-step.js';
import { localSidecarArgs } from './sidecars-step.js';

const agentContainer = { name: 'agent', image: 'ghcr.io/example/support-agent:2.0.0' };

function podWith(spec: Pod['spec']): Pod {
  return { metadata: { name: 'support-agent-1' }, spec } as Pod;
}

describe("the agents' pods", () => {
  const options = defaultInjectionOptions('agent-governor-system');
  const { container } = sidecarPlan({ namespace: 'governor-demo', name: 'support' }, [], options);

  it('finds the sidecar the webhook injects, native (init) or regular', () => {
    const native = podWith({ initContainers: [container as never], containers: [agentContainer] });
    assert.equal(injectedSidecar(native)?.name, container.name);
    const { restartPolicy: _native, ...regularContainer } = container;
    const regular = podWith({ containers: [agentContainer, regularContainer as never] });
    assert.equal(injectedSidecar(regular)?.name, container.name);
    assert.equal(injectedSidecar(podWith({ containers: [agentContainer] })), undefined);
  });

  it("runs the injected container's own command locally, with local port, operator and paths", () => {
    const args = localSidecarArgs(container.args ?? [], {
      '--port': '41000',
      '--operator-url': 'https://127.0.0.1:42000',
      '--operator-ca-file': '/d/ca.crt',
      '--token-file': '/d/token',
      '--policy-file': '/d/policy.json',
      '--spool-dir': '/d/spool',
    });
    assert.equal(args[0], 'sidecar');
    for (const expected of [
      '--agent=governor-demo/support',
      '--host=127.0.0.1',
      '--port=41000',
      '--operator-url=https://127.0.0.1:42000',
      '--operator-ca-file=/d/ca.crt',
      '--token-file=/d/token',
      '--policy-file=/d/policy.json',
      '--spool-dir=/d/spool',
    ]) {
      assert.ok(args.includes(expected), `${expected} in ${args.join(' ')}`);
    }
    assert.ok(!args.some((a) => a.includes('/var/run/agent-governor')), 'no path of the pod is left');
  });

  it('lists the containers as a person reads them', () => {
    const pod = podWith({
      initContainers: [
        {
          name: 'agent-governor-sidecar',
          image: 'ghcr.io/agent-governor/agent-governor:0.1.0',
          restartPolicy: 'Always',
        },
      ],
      containers: [agentContainer],
    });
    assert.equal(
      describeContainers(pod),
      'init agent-governor-sidecar (ghcr.io/agent-governor/agent-governor:0.1.0, restartPolicy Always), agent (ghcr.io/example/support-agent:2.0.0)',
    );
  });
});
