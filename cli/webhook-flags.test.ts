import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import {
  DEFAULT_SIDECAR_METRICS_PORT,
  defaultInjectionOptions,
} from '../webhooks/injection/injection-options.js';
import { registerOperatorCommand } from './operator-command.js';
import {
  injectionOptions,
  type WebhookFlags,
  webhookServiceOptions,
  webhooksWanted,
} from './webhook-flags.js';

/** The flags as `agent-governor operator` parses them with none given. */
function parsedDefaults(): WebhookFlags {
  const program = new Command('agent-governor').exitOverride();
  registerOperatorCommand(program);
  const operator = program.commands.find((command) => command.name() === 'operator');
  assert.ok(operator);
  operator.parseOptions([]);
  return operator.opts() as WebhookFlags;
}
const defaults = parsedDefaults();

describe('webhooksWanted', () => {
  it('serves in a pod, or out of cluster when asked with --webhook-host or --webhook-registration', () => {
    assert.equal(webhooksWanted(defaults, true), true);
    assert.equal(webhooksWanted(defaults, false), false);
    assert.equal(webhooksWanted({ ...defaults, webhookHost: '127.0.0.1' }, false), true);
    assert.equal(webhooksWanted({ ...defaults, webhookRegistration: 'chart' }, false), true);
    assert.equal(webhooksWanted({ ...defaults, webhooks: false }, true), false);
  });
});

describe('webhookServiceOptions', () => {
  it('registers itself at --webhook-host, named in its certificate', () => {
    const options = webhookServiceOptions(
      { ...defaults, webhookHost: '127.0.0.1', webhookPort: 0 },
      '127.0.0.1',
    );
    assert.deepEqual(options.registration, { mode: 'self', host: '127.0.0.1', failurePolicy: 'Fail' });
    assert.deepEqual(options.certificates, {
      mode: 'self-signed',
      hosts: ['127.0.0.1'],
      caLifetimeMs: defaults.webhookCaLifetime,
      servingLifetimeMs: defaults.webhookCertLifetime,
    });
    assert.equal(options.port, 0);
  });

  it('leaves the configurations to the chart in a pod', () => {
    assert.deepEqual(webhookServiceOptions(defaults, '0.0.0.0').registration, { mode: 'chart' });
  });

  it('reads cert-manager’s files instead of making certificates', () => {
    const options = webhookServiceOptions({ ...defaults, webhookCertMode: 'cert-manager' }, '0.0.0.0');
    assert.deepEqual(options.certificates, {
      mode: 'cert-manager',
      dir: '/var/run/agent-governor/webhook-tls',
      pollMs: 10_000,
    });
  });

  it('refuses self registration without a host, and a certificate outliving its CA', () => {
    assert.throws(
      () => webhookServiceOptions({ ...defaults, webhookRegistration: 'self' }, '0.0.0.0'),
      /--webhook-registration self needs --webhook-host/,
    );
    assert.throws(
      () =>
        webhookServiceOptions({ ...defaults, webhookCertLifetime: defaults.webhookCaLifetime }, '0.0.0.0'),
      /--webhook-cert-lifetime must be shorter than --webhook-ca-lifetime/,
    );
  });
});

describe('injectionOptions', () => {
  it('overrides the defaults with the flags given', () => {
    const options = injectionOptions(
      { ...defaults, sidecarImage: 'registry.example/ag:dev', nativeSidecar: false, sidecarCpuLimit: '500m' },
      defaultInjectionOptions('gov'),
    );
    assert.equal(options.image, 'registry.example/ag:dev');
    assert.equal(options.operatorUrl, 'https://agent-governor.gov.svc:8443');
    assert.equal(options.operatorCaConfigMap, 'agent-governor-services-ca');
    const plain = injectionOptions(defaults, defaultInjectionOptions('gov', { tls: false }));
    assert.equal(plain.operatorUrl, 'http://agent-governor.gov.svc:8443');
    assert.equal(plain.operatorCaConfigMap, undefined);
    assert.equal(options.nativeSidecar, false);
    assert.deepEqual(options.resources, {
      requests: { cpu: '50m', memory: '160Mi' },
      limits: { memory: '256Mi', cpu: '500m' },
    });
  });

  it('injects the metrics listener on 9464 unless --sidecar-metrics-port 0 turns it off', () => {
    assert.equal(defaults.sidecarMetricsPort, DEFAULT_SIDECAR_METRICS_PORT);
    assert.equal(injectionOptions(defaults, defaultInjectionOptions('gov')).metricsPort, 9464);
    const off = injectionOptions({ ...defaults, sidecarMetricsPort: 0 }, defaultInjectionOptions('gov'));
    assert.equal(off.metricsPort, 0);
    assert.throws(
      () => injectionOptions({ ...defaults, sidecarMetricsPort: 4000 }, defaultInjectionOptions('gov')),
      /--sidecar-metrics-port 4000 must differ from --sidecar-port/,
    );
  });

  it('gives the injected sidecars --otlp-endpoint only when --sidecar-otlp-endpoint is set', () => {
    assert.equal(injectionOptions(defaults, defaultInjectionOptions('gov')).otlpEndpoint, undefined);
    const traced = injectionOptions(
      { ...defaults, sidecarOtlpEndpoint: 'http://otel-collector.observability:4318' },
      defaultInjectionOptions('gov'),
    );
    assert.equal(traced.otlpEndpoint, 'http://otel-collector.observability:4318');
  });

  it('defaults the image to this version', () => {
    assert.match(
      defaultInjectionOptions('gov').image,
      /^ghcr\.io\/agent-governor\/agent-governor:\d+\.\d+\.\d+/,
    );
  });
});
