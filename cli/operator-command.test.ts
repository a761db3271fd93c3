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
  it('default to leader election, the usual ports, the sidecar services and the webhooks’ settings', () => {
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
        sidecarServicesCertMode: 'self-signed',
        sidecarServicesCertDir: '/var/run/agent-governor/sidecar-services-tls',
        sidecarServicesInsecurePlainHttp: false,
        sidecarServicesExternal: false,
        maxLongPollWaiters: 10_000,
        budgetLeaseSeconds: 5,
        usageStore: 'apiserver',
        redisTls: false,
        logLevel: 'info',
        webhooks: true,
        webhookPort: 9443,
        webhookCertMode: 'self-signed',
        webhookCertDir: '/var/run/agent-governor/webhook-tls',
        webhookCertPollInterval: 10_000,
        webhookCertLifetime: 90 * 86_400_000,
        webhookCaLifetime: 1825 * 86_400_000,
        webhookFailurePolicy: 'Fail',
        webhookCleanupOnExit: false,
        webhookService: 'agent-governor-webhook',
        sidecarImagePullPolicy: 'IfNotPresent',
        sidecarPort: 4000,
        sidecarMetricsPort: 9464,
        nativeSidecar: true,
        sidecarCpuRequest: '50m',
        sidecarMemoryRequest: '160Mi',
        sidecarMemoryLimit: '256Mi',
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
    [
      ['--webhook-host', '127.0.0.1', '--webhook-port', '0', '--webhook-failure-policy', 'Ignore'],
      { webhookHost: '127.0.0.1', webhookPort: 0, webhookFailurePolicy: 'Ignore' },
    ],
    [
      ['--webhook-cert-lifetime', '10s', '--webhook-ca-lifetime', '1m'],
      { webhookCertLifetime: 10_000, webhookCaLifetime: 60_000 },
    ],
    [
      ['--webhook-cert-mode', 'cert-manager', '--webhook-cert-dir', '/certs'],
      { webhookCertMode: 'cert-manager', webhookCertDir: '/certs' },
    ],
    [['--no-webhooks', '--no-native-sidecar'], { webhooks: false, nativeSidecar: false }],
    [
      ['--sidecar-operator-url', 'https://ops.example:8443/'],
      { sidecarOperatorUrl: 'https://ops.example:8443' },
    ],
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
    [['--webhook-cert-mode', 'vault'], /Allowed choices are self-signed, cert-manager, files/],
    [['--webhook-failure-policy', 'fail'], /Allowed choices are Fail, Ignore/],
    [['--webhook-cert-lifetime', '500ms'], /must be a duration of at least 1s/],
    [['--sidecar-operator-url', 'agent-governor:8443'], /must be an http\(s\) URL/],
    [['--sidecar-metrics-port', 'nine'], /--sidecar-metrics-port <port>.*must be a port from 0 to 65535/],
  ];
  for (const [args, message] of refused) {
    it(`refuses ${args.join(' ')}`, () => assert.throws(() => parsed(args), message));
  }
});
