import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from '../../cli/main.js';
import { operatorArgs } from './operator-step.js';

const operator = buildProgram().commands.find((c) => c.name() === 'operator')!;
const flags = new Set(operator.options.map((o) => o.long ?? ''));
const ports = { metrics: 1001, health: 1002, sidecarServices: 1003, webhooks: 1004 };

describe('the operator command line of the demo', () => {
  const args = operatorArgs({
    bin: '/pkg/bin/agent-governor.mjs',
    kubeconfig: '/d/kubeconfig',
    namespace: 'agent-governor-system',
    ports,
    flags,
  });

  it('runs `agent-governor operator` on loopback ports with the given kubeconfig and namespace', () => {
    assert.deepEqual(args.slice(0, 2), ['/pkg/bin/agent-governor.mjs', 'operator']);
    for (const expected of [
      '--kubeconfig=/d/kubeconfig',
      '--namespace=agent-governor-system',
      '--bind-address=127.0.0.1',
      '--metrics-port=1001',
      '--health-port=1002',
      '--sidecar-services-port=1003',
      '--no-leader-elect',
    ]) {
      assert.ok(args.includes(expected), `${expected} in ${args.join(' ')}`);
    }
  });

  it('uses only options `agent-governor operator` has', () => {
    for (const arg of args.slice(2)) {
      assert.ok(flags.has(arg.split('=')[0]!), `${arg} is an option of agent-governor operator`);
    }
  });

  it('serves the webhooks on loopback when the operator can', () => {
    const withWebhooks = operatorArgs({
      bin: 'b',
      kubeconfig: 'k',
      namespace: 'n',
      ports,
      flags: new Set([...flags, '--webhook-host', '--webhook-port']),
    });
    assert.ok(withWebhooks.includes('--webhook-host=127.0.0.1'));
    assert.ok(withWebhooks.includes('--webhook-port=1004'));
    const without = operatorArgs({ bin: 'b', kubeconfig: 'k', namespace: 'n', ports, flags: new Set() });
    assert.ok(!without.some((a) => a.startsWith('--webhook')));
  });
});
