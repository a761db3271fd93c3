import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from '../../cli/main.js';
import { defaultPodArgs, localSidecarArgs } from './sidecars-step.js';

const local = {
  '--port': '41000',
  '--operator-url': 'http://127.0.0.1:42000',
  '--token-file': '/d/logs/demo/support/token',
  '--policy-file': '/d/logs/demo/support/policy.json',
  '--spool-dir': '/d/logs/demo/support/spool',
};

describe("the sidecar's local command line", () => {
  it("replaces the pod's port, operator URL and mounted paths in the injected container's arguments", () => {
    const injected = [
      'sidecar',
      '--host',
      '127.0.0.1',
      '--port',
      '4000',
      '--operator-url',
      'http://agent-governor.agent-governor-system.svc:8443',
      '--agent',
      'governor-demo/support',
      '--token-file',
      '/var/run/agent-governor/token/token',
      '--policy-file=/var/run/agent-governor/policy/policy.json',
      '--spool-dir',
      '/var/run/agent-governor/spool',
    ];
    assert.deepEqual(localSidecarArgs(injected, local), [
      'sidecar',
      '--host=127.0.0.1',
      '--port=41000',
      '--operator-url=http://127.0.0.1:42000',
      '--agent=governor-demo/support',
      '--token-file=/d/logs/demo/support/token',
      '--policy-file=/d/logs/demo/support/policy.json',
      '--spool-dir=/d/logs/demo/support/spool',
    ]);
  });

  it('adds what the container lacks, and keeps flags without a value', () => {
    assert.deepEqual(localSidecarArgs(['sidecar', '--quiet', '--agent', 'ns/a'], { '--port': '1' }), [
      'sidecar',
      '--quiet',
      '--agent=ns/a',
      '--port=1',
    ]);
  });

  it('without injection, builds a command `agent-governor sidecar` accepts', () => {
    const args = localSidecarArgs(defaultPodArgs('marketing'), local);
    assert.equal(args[0], 'sidecar');
    assert.ok(args.includes('--agent=governor-demo/marketing'));
    const sidecar = buildProgram().commands.find((c) => c.name() === 'sidecar')!;
    const known = new Set(sidecar.options.map((o) => o.long));
    for (const arg of args.slice(1)) assert.ok(known.has(arg.split('=')[0]), `${arg} is a sidecar option`);
  });
});
