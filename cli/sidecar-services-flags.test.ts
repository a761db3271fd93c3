import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildProgram } from './main.js';
import {
  certificateHosts,
  checkOperatorUrl,
  type SidecarServicesFlags,
  serviceNames,
  sidecarServicesTls,
} from './sidecar-services-flags.js';

function parsed(args: string[]) {
  const operator = buildProgram().commands.find((command) => command.name() === 'operator');
  assert.ok(operator);
  operator.parseOptions(args);
  return operator.opts() as SidecarServicesFlags & {
    webhookCertLifetime: number;
    webhookCaLifetime: number;
    webhookCertPollInterval: number;
  };
}

describe('the sidecar services flags', () => {
  it('serve TLS by default, with the operator’s own CA', () => {
    const flags = parsed([]);
    assert.equal(flags.sidecarServicesCertMode, 'self-signed');
    assert.equal(flags.sidecarServicesInsecurePlainHttp, false);
    assert.equal(typeof sidecarServicesTls(flags, []), 'function');
  });
  it('hold 10,000 long-polls by default, and refuse a limit that is not a count', () => {
    assert.equal(parsed([]).maxLongPollWaiters, 10_000);
    assert.equal(parsed(['--max-long-poll-waiters', '250']).maxLongPollWaiters, 250);
    for (const bad of ['0', '-3', '1.5', 'many']) {
      assert.throws(() => parsed(['--max-long-poll-waiters', bad]), /must be a whole number of at least 1/);
    }
  });
  it('lease budgets for 5 s by default, and refuse a lease time outside 2–60 whole seconds', () => {
    assert.equal(parsed([]).budgetLeaseSeconds, 5);
    assert.equal(parsed(['--budget-lease-seconds', '20']).budgetLeaseSeconds, 20);
    for (const bad of ['1', '0', '61', '2.5', 'long']) {
      assert.throws(
        () => parsed(['--budget-lease-seconds', bad]),
        new RegExp(`must be a whole number of seconds from 2 to 60 .*got ${bad.replace('.', '\\.')}$`),
      );
    }
  });
  it('serve plain HTTP only when asked explicitly', () =>
    assert.equal(sidecarServicesTls(parsed(['--sidecar-services-insecure-plain-http']), []), undefined));
  it('name the Service, the injected URL’s host and a specific bind address in the certificate', () => {
    assert.deepEqual(serviceNames('gov'), [
      'agent-governor.gov.svc',
      'agent-governor.gov.svc.cluster.local',
      'agent-governor-services.gov.svc',
      'agent-governor-services.gov.svc.cluster.local',
    ]);
    assert.deepEqual(certificateHosts('https://services.example:8443', '0.0.0.0'), ['services.example']);
    assert.deepEqual(certificateHosts(undefined, '127.0.0.1'), ['127.0.0.1']);
    assert.deepEqual(certificateHosts('https://[::1]:8443', '::'), ['::1']);
  });
  it('refuse an injected URL that does not speak what the services serve', () => {
    assert.throws(
      () => checkOperatorUrl('http://127.0.0.1:8443', true),
      /--sidecar-operator-url http:\/\/127\.0\.0\.1:8443 is plain HTTP but the sidecar services serve HTTPS/,
    );
    assert.throws(
      () => checkOperatorUrl('https://127.0.0.1:8443', false),
      /is https but --sidecar-services-insecure-plain-http serves plain HTTP/,
    );
    checkOperatorUrl('https://127.0.0.1:8443', true);
    checkOperatorUrl('http://127.0.0.1:8443', false);
    checkOperatorUrl(undefined, true);
  });
});
