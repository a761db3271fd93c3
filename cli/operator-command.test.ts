import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerOperatorCommand } from './operator-command.js';

function parsed(args: string[]) {
  const program = new Command('agent-governor').exitOverride();
  registerOperatorCommand(program);
  const operator = program.commands.find((command) => command.name() === 'operator');
  assert.ok(operator);
  operator.exitOverride().configureOutput({ writeErr: () => {} });
  operator.parseOptions(args);
  return operator.opts();
}

describe('agent-governor operator flags', () => {
  it('default to leader election, the usual ports and the sidecar services', () => {
    assert.deepEqual(
      {
        ...parsed([]),
      },
      {
        metricsPort: 8080,
        healthPort: 8081,
        bindAddress: '0.0.0.0',
        leaderElect: true,
        leaseName: 'agent-governor-leader',
        shutdownTimeout: 30,
        sidecarServicesPort: 8443,
        sidecarServices: true,
        logLevel: 'info',
      },
    );
  });

  const cases: Array<[string[], Record<string, unknown>]> = [
    [['--leader-elect=false'], { leaderElect: false }],
    [['--leader-elect', 'false'], { leaderElect: false }],
    [['--no-leader-elect'], { leaderElect: false }],
    [['--leader-elect'], { leaderElect: true }],
    [['--metrics-port', '0', '--health-port', '9090'], { metricsPort: 0, healthPort: 9090 }],
    [
      ['--namespace', 'agent-governor', '--lease-name', 'leader'],
      { namespace: 'agent-governor', leaseName: 'leader' },
    ],
    [['--shutdown-timeout', '2.5'], { shutdownTimeout: 2.5 }],
    [['--no-sidecar-services'], { sidecarServices: false }],
  ];
  for (const [args, expected] of cases) {
    it(`reads ${args.join(' ')}`, () => {
      const options = parsed(args);
      for (const [name, value] of Object.entries(expected)) assert.equal(options[name], value, name);
    });
  }

  const refused: Array<[string[], RegExp]> = [
    [['--metrics-port', '70000'], /must be a port from 0 to 65535/],
    [['--leader-elect=maybe'], /must be true or false/],
    [['--namespace', 'Agent_Governor'], /must be a DNS label/],
    [['--shutdown-timeout', '0'], /must be a number of seconds above 0/],
  ];
  for (const [args, message] of refused) {
    it(`refuses ${args.join(' ')}`, () => assert.throws(() => parsed(args), message));
  }
});
