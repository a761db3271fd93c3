import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { registerServicesCommand } from './services-command.js';

function parsed(args: string[]) {
  const program = new Command('agent-governor').exitOverride();
  registerServicesCommand(program);
  const services = program.commands.find((command) => command.name() === 'services');
  assert.ok(services);
  services.exitOverride().configureOutput({ writeErr: () => {} });
  services.parseOptions(args);
  return services.opts();
}

describe('agent-governor services flags', () => {
  it('default to the usual ports, TLS from the cert dir and the API-server usage store', () => {
    assert.deepEqual(parsed([]), {
      bindAddress: '0.0.0.0',
      port: 8443,
      metricsPort: 8080,
      healthPort: 8081,
      certDir: '/var/run/agent-governor/sidecar-services-tls',
      certPollInterval: 10,
      insecurePlainHttp: false,
      maxLongPollWaiters: 10_000,
      budgetLeaseSeconds: 5,
      shutdownTimeout: 5,
      logLevel: 'info',
      usageStore: 'apiserver',
      redisTls: false,
    });
  });

  it('takes the operator’s usage-store flags, as the chart passes them', () => {
    assert.deepEqual(
      parsed([
        '--usage-store=redis',
        '--redis-url=redis://agent-governor-usage-store.governor.svc:6379/0',
        '--redis-tls=true',
        '--redis-password-file=/var/run/agent-governor/usage-store/password',
        '--redis-ca-file=/var/run/agent-governor/usage-store-ca/ca.crt',
      ]),
      {
        ...parsed([]),
        usageStore: 'redis',
        redisUrl: 'redis://agent-governor-usage-store.governor.svc:6379/0',
        redisTls: true,
        redisPasswordFile: '/var/run/agent-governor/usage-store/password',
        redisCaFile: '/var/run/agent-governor/usage-store-ca/ca.crt',
      },
    );
  });

  it('refuses an unknown usage store naming the choices', () => {
    assert.throws(() => parsed(['--usage-store', 'etcd']), /Allowed choices are apiserver, redis/);
  });
});
