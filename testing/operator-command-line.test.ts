import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LOOPBACK_PORTS, operatorCommandLine } from './operator-command-line.js';

const cluster = { kubeconfig: '/tmp/kubeconfig', namespace: 'suite-ns' };

describe('operatorCommandLine: agent-governor operator as the suites run it', () => {
  const cases: { name: string; options: Parameters<typeof operatorCommandLine>[0]; argv: string[] }[] = [
    {
      name: 'the defaults: the cluster, the namespace, every port free on loopback',
      options: cluster,
      argv: ['operator', '--kubeconfig', '/tmp/kubeconfig', '--namespace', 'suite-ns', ...LOOPBACK_PORTS],
    },
    {
      name: 'the admission suites: one replica, webhooks registered at a loopback URL',
      options: {
        ...cluster,
        leaderElect: false,
        webhooks: { host: '127.0.0.1' },
        extra: ['--log-level', 'debug'],
      },
      argv: [
        'operator',
        ...['--kubeconfig', '/tmp/kubeconfig', '--namespace', 'suite-ns', '--no-leader-elect'],
        ...LOOPBACK_PORTS,
        ...['--webhook-host', '127.0.0.1', '--webhook-port', '0', '--log-level', 'debug'],
      ],
    },
    {
      name: 'the scenarios: a Lease and identity of their own, a fixed sidecar services port',
      options: { ...cluster, identity: 'op-1', leaseName: 'lease-a', sidecarServicesPort: 9443 },
      argv: [
        ...['operator', '--kubeconfig', '/tmp/kubeconfig', '--namespace', 'suite-ns'],
        ...['--identity', 'op-1', '--lease-name', 'lease-a'],
        ...['--bind-address', '127.0.0.1', '--metrics-port', '0', '--health-port', '0'],
        ...['--sidecar-services-port', '9443'],
      ],
    },
    {
      name: "the chart's container arguments first, so the flags for running outside a pod win",
      options: {
        ...cluster,
        command: ['operator', '--namespace', 'agent-governor', '--metrics-port', '8080'],
        webhooks: { port: 18443 },
      },
      argv: [
        ...['operator', '--namespace', 'agent-governor', '--metrics-port', '8080'],
        ...['--kubeconfig', '/tmp/kubeconfig', '--namespace', 'suite-ns', ...LOOPBACK_PORTS],
        ...['--webhook-port', '18443'],
      ],
    },
  ];
  for (const { name, options, argv } of cases) {
    it(name, () => assert.deepEqual(operatorCommandLine(options), argv));
  }
});
