import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from '../../cli/main.js';
import { localGatewayArgs } from './gateway-step.js';

describe("the gateway's local command line", () => {
  const local = {
    port: 41001,
    kubeconfig: '/d/kubeconfig',
    operatorUrl: 'https://127.0.0.1:42000',
    spoolDir: '/d/logs/demo/gateway/spool',
  };

  it('serves the demo namespace on loopback, against the local operator and API server', () => {
    assert.deepEqual(localGatewayArgs({ ...local, operatorCaFile: '/d/logs/demo/gateway/ca.crt' }), [
      'gateway',
      '--host=127.0.0.1',
      '--port=41001',
      '--kubeconfig=/d/kubeconfig',
      '--operator-url=https://127.0.0.1:42000',
      '--operator-ca-file=/d/logs/demo/gateway/ca.crt',
      '--namespaces=governor-demo',
      '--spool-dir=/d/logs/demo/gateway/spool',
    ]);
    assert.ok(!localGatewayArgs(local).some((arg) => arg.startsWith('--operator-ca-file')));
  });

  it('builds a command `agent-governor gateway` accepts', () => {
    const gateway = buildProgram().commands.find((c) => c.name() === 'gateway')!;
    const known = new Set(gateway.options.map((o) => o.long));
    for (const arg of localGatewayArgs(local).slice(1)) {
      assert.ok(known.has(arg.split('=')[0]), `${arg} is a gateway option`);
    }
  });
});
