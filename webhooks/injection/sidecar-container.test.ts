import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultInjectionOptions } from './injection-options.js';
import { METRICS_PORT_NAME, sidecarPlan } from './sidecar-container.js';

const agent = { namespace: 'agents', name: 'support' };
const options = defaultInjectionOptions('agent-governor-system');
const flagValue = (args: string[] | undefined, flag: string) => {
  const at = (args ?? []).indexOf(flag);
  return at === -1 ? undefined : args?.[at + 1];
};

describe('sidecarPlan: the metrics listener', () => {
  it('serves metrics on 9464 of the pod IP, named gov-metrics, while the proxy stays on loopback', () => {
    const { container } = sidecarPlan(agent, [], options);
    assert.equal(flagValue(container.args, '--metrics-port'), '9464');
    assert.equal(flagValue(container.args, '--metrics-host'), undefined, 'the default, 0.0.0.0');
    assert.equal(flagValue(container.args, '--host'), '127.0.0.1');
    assert.deepEqual(container.ports, [{ name: METRICS_PORT_NAME, containerPort: 9464, protocol: 'TCP' }]);
    assert.equal(
      container.ports?.some((p) => p.containerPort === options.port),
      false,
      'the proxy port is not declared: nothing outside the pod should call it',
    );
  });

  it('names the port as the API server accepts it (IANA_SVC_NAME: at most 15 characters)', () => {
    assert.ok(METRICS_PORT_NAME.length <= 15, METRICS_PORT_NAME);
    assert.match(METRICS_PORT_NAME, /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/);
    assert.match(METRICS_PORT_NAME, /[a-z]/);
    assert.doesNotMatch(METRICS_PORT_NAME, /--/);
  });

  it('follows a configured port, and serves none with 0', () => {
    const moved = sidecarPlan(agent, [], { ...options, metricsPort: 9999 }).container;
    assert.equal(flagValue(moved.args, '--metrics-port'), '9999');
    assert.equal(moved.ports?.[0]?.containerPort, 9999);
    const off = sidecarPlan(agent, [], { ...options, metricsPort: 0 }).container;
    assert.equal(off.args?.includes('--metrics-port'), false);
    assert.equal(off.ports, undefined);
  });
});

describe('sidecarPlan: traces', () => {
  it('passes the OTLP endpoint when one is configured, and none otherwise', () => {
    const traced = sidecarPlan(agent, [], {
      ...options,
      otlpEndpoint: 'http://otel-collector.observability:4318',
    }).container;
    assert.equal(flagValue(traced.args, '--otlp-endpoint'), 'http://otel-collector.observability:4318');
    assert.equal(sidecarPlan(agent, [], options).container.args?.includes('--otlp-endpoint'), false);
  });
});

describe('sidecarPlan: resources and shutdown', () => {
  it('requests and limits memory as measured (bench/sidecar-overhead-cost.ts)', () => {
    const { container } = sidecarPlan(agent, [], options);
    assert.deepEqual(container.resources, {
      requests: { cpu: '50m', memory: '160Mi' },
      limits: { memory: '256Mi' },
    });
  });

  it("gives the sidecar the pod's termination grace period less a margin to deliver spooled usage", () => {
    assert.equal(flagValue(sidecarPlan(agent, [], options).container.args, '--shutdown-seconds'), '27');
    const long = sidecarPlan(agent, [], options, { terminationGracePeriodSeconds: 120 });
    assert.equal(flagValue(long.container.args, '--shutdown-seconds'), '117');
    const now = sidecarPlan(agent, [], options, { terminationGracePeriodSeconds: 0 });
    assert.equal(flagValue(now.container.args, '--shutdown-seconds'), '1');
  });
});
