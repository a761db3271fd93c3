// The rotation over whole lifetimes, with real certificates and a simulated clock: an API server that
// sees the published caBundle a second late and replicas that serve the Secret's certificate a
// second late must still trust every certificate served, at every instant, through serving renewals,
// a CA rotation and the previous CA's expiry.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { describe, it } from 'node:test';
import { certificateFacts, isSignedBy, splitPemBundle } from './certificate-facts.js';
import { defaultCertificatePolicy, withLifetimes } from './rotation-plan.js';
import { secretTurn } from './rotation-steps.js';
import { readTlsSecret, type Secret } from './webhook-tls-secret.js';

const names = { dnsNames: ['agent-governor-webhook.gov.svc'], ipAddresses: ['127.0.0.1'] };
const T0 = Date.parse('2025-01-01T00:00:00Z');

describe('secretTurn', () => {
  it('creates a CA and a serving certificate for the required names, then leaves them alone', async () => {
    const policy = defaultCertificatePolicy(names);
    const first = await secretTurn(undefined, 'gov', new Date(T0), policy);
    assert.deepEqual(first.plan.steps, ['create-ca', 'issue-serving']);
    const secret = first.write as Secret;
    assert.equal(secret.type, 'kubernetes.io/tls');
    const { material } = readTlsSecret(secret);
    const serving = certificateFacts(material.serving?.certificate ?? '');
    assert.deepEqual(serving.dnsNames, names.dnsNames);
    assert.deepEqual(serving.ipAddresses, names.ipAddresses);
    assert.ok(isSignedBy(material.serving?.certificate ?? '', material.signing?.certificate ?? ''));
    assert.equal(splitPemBundle(first.bundle).length, 1);
    const again = await secretTurn(secret, 'gov', new Date(T0 + 1000), policy);
    assert.equal(again.write, undefined);
    assert.equal(again.bundle, first.bundle);
  });

  it('keeps another identity’s certificate in that identity’s Secret, subject and CA name', async () => {
    const identity = {
      secretName: 'agent-governor-sidecar-services-tls',
      servingSubject: 'CN=agent-governor-sidecar-services',
      caName: 'agent-governor-sidecar-services-ca',
      component: 'sidecar-services',
      what: 'sidecar services certificate',
    };
    const turn = await secretTurn(undefined, 'gov', new Date(T0), {
      ...defaultCertificatePolicy(names),
      identity,
    });
    const secret = turn.write as Secret;
    assert.equal(secret.metadata?.name, 'agent-governor-sidecar-services-tls');
    assert.equal(secret.metadata?.labels?.['app.kubernetes.io/component'], 'sidecar-services');
    const { material } = readTlsSecret(secret);
    assert.match(
      new X509Certificate(material.serving?.certificate ?? '').subject,
      /CN=agent-governor-sidecar-services/,
    );
    assert.match(
      new X509Certificate(material.signing?.certificate ?? '').subject,
      /CN=agent-governor-sidecar-services-ca@/,
    );
  });

  it('keeps the type, labels and annotations others put on an existing Secret', async () => {
    const policy = defaultCertificatePolicy(names);
    const existing: Secret = {
      metadata: {
        name: 'agent-governor-webhook-tls',
        namespace: 'gov',
        resourceVersion: '7',
        labels: { team: 'a' },
      },
      type: 'Opaque',
    };
    const turn = await secretTurn(existing, 'gov', new Date(T0), policy);
    assert.equal(turn.write?.type, 'Opaque');
    assert.equal(turn.write?.metadata?.resourceVersion, '7');
    assert.equal(turn.write?.metadata?.labels?.['team'], 'a');
  });

  it('never serves a certificate the API server does not trust, over two CA lifetimes', async () => {
    const policy = withLifetimes(defaultCertificatePolicy(names), 60_000, 20_000);
    const lagMs = 1_000;
    const published: Array<{ at: number; bundle: string[] }> = [];
    const written: Array<{ at: number; certificate: string }> = [];
    let secret: Secret | undefined;
    const steps: string[] = [];
    const latest = <T extends { at: number }>(list: T[], t: number) => list.filter((e) => e.at <= t).at(-1);
    for (let t = T0; t <= T0 + 150_000; t += 500) {
      const turn = await secretTurn(secret, 'gov', new Date(t), policy);
      if (turn.write) {
        secret = turn.write;
        steps.push(...turn.plan.steps);
        published.push({ at: t, bundle: splitPemBundle(turn.bundle) });
        written.push({ at: t, certificate: turn.material.serving?.certificate ?? '' });
      }
      const trusted = latest(published, t - lagMs);
      const served = latest(written, t - lagMs);
      if (!trusted || !served) continue;
      const facts = certificateFacts(served.certificate);
      assert.ok(
        facts.notBefore.getTime() <= t && t < facts.notAfter.getTime(),
        `served certificate not valid at +${t - T0} ms`,
      );
      assert.ok(
        trusted.bundle.some((ca) => isSignedBy(served.certificate, ca)),
        `at +${t - T0} ms the served certificate (serial ${facts.serial}) is signed by no CA in the bundle the API server has`,
      );
      assert.ok(trusted.bundle.length <= 3);
    }
    for (const step of [
      'create-ca',
      'issue-serving',
      'stage-next-ca',
      'promote-next-ca',
      'drop-previous-ca',
    ]) {
      assert.ok(steps.includes(step), `${step} never happened: ${steps.join(', ')}`);
    }
    assert.equal(steps.filter((s) => s === 'create-ca').length, 1, 'the CA was replaced, not rotated');
  });
});
