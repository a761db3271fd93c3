import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_SERVICE_NAME, tracingSettings } from './tracing-settings.js';

describe('tracingSettings', () => {
  it('is off without a flag or a variable', () => {
    assert.equal(tracingSettings(undefined, {}), undefined);
    assert.equal(tracingSettings('', { OTEL_SERVICE_NAME: 'x' }), undefined);
  });

  it('appends /v1/traces to the flag and to OTEL_EXPORTER_OTLP_ENDPOINT, not to the traces endpoint', () => {
    assert.deepEqual(tracingSettings('http://otel-collector.observability:4318', {}), {
      url: 'http://otel-collector.observability:4318/v1/traces',
      serviceName: DEFAULT_SERVICE_NAME,
    });
    assert.equal(tracingSettings('http://c:4318/v1/traces/', {})?.url, 'http://c:4318/v1/traces');
    assert.equal(
      tracingSettings(undefined, { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://c.example:4318/otlp' })?.url,
      'https://c.example:4318/otlp/v1/traces',
    );
    assert.equal(
      tracingSettings(undefined, {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://base:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://traces:4318/custom',
      })?.url,
      'http://traces:4318/custom',
    );
  });

  it('takes the flag over the variables, and the service name from OTEL_SERVICE_NAME', () => {
    assert.deepEqual(
      tracingSettings('http://flag:4318', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318',
        OTEL_SERVICE_NAME: 'support-bot-sidecar',
      }),
      { url: 'http://flag:4318/v1/traces', serviceName: 'support-bot-sidecar' },
    );
  });

  it('is off when the SDK is disabled or the traces exporter is none', () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://env:4318' };
    assert.equal(tracingSettings(undefined, { ...env, OTEL_SDK_DISABLED: 'true' }), undefined);
    assert.equal(tracingSettings(undefined, { ...env, OTEL_TRACES_EXPORTER: 'none' }), undefined);
  });

  it('refuses what is not an http(s) URL, naming where it came from', () => {
    assert.throws(
      () => tracingSettings('otel-collector:4318', {}),
      /--otlp-endpoint must be an http\(s\) URL/,
    );
    assert.throws(
      () => tracingSettings(undefined, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'grpc://c:4317' }),
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL .* got "grpc:\/\/c:4317"/,
    );
  });
});
