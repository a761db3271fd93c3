// The server over real HTTPS on loopback, with the real sidecar-injection handler (and a handler that
// fails, as a broken one would): routing, refusals of bad requests, answers, metrics, and a swap of
// the serving certificate without a restart.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  type CertifiedKey,
  createCertificateAuthority,
  issueCertificate,
} from '../../runtime/tls/certificate-issuer.js';
import type { AdmissionHandler, AdmissionReview } from '../admission/admission-review.js';
import { defaultInjectionOptions } from '../injection/injection-options.js';
import { sidecarInjectionHandler } from '../injection/sidecar-injection-handler.js';
import { inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { certificateFacts } from '../tls/certificate-facts.js';
import { type AdmissionServer, startAdmissionServer } from './admission-server.js';

interface Answer {
  status: number;
  body: string;
  serial: string;
}

function post(
  server: AdmissionServer,
  ca: string,
  path: string,
  body: string,
  method = 'POST',
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      { method, ca, agent: false, headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => {
          const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber;
          resolve({ status: res.statusCode ?? 0, body: text, serial });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function review(object: unknown, namespace = 'agents'): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: 'uid-1',
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      namespace,
      operation: 'CREATE',
      userInfo: { username: 'alice' },
      object,
    },
  });
}

const agentPod = {
  metadata: { name: 'support-0', labels: { 'governor.agents.dev/agent': 'support' } },
  spec: { containers: [{ name: 'app', image: 'agent:1' }] },
};

describe('startAdmissionServer', () => {
  const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 3600_000) };
  const registry = new Registry();
  let ca: CertifiedKey;
  let serving: CertifiedKey;
  let server: AdmissionServer;
  const failing: AdmissionHandler = {
    name: 'failing',
    path: '/validate/failing',
    handle: async () => {
      throw new Error('cannot read ConfigMap agents/llm');
    },
  };

  before(async () => {
    ca = await createCertificateAuthority('server-test-ca', validity);
    serving = await issueCertificate(ca, {
      subject: 'CN=w',
      usage: 'serverAuth',
      ipAddresses: ['127.0.0.1'],
      validity,
    });
    const view = inMemoryClusterView({ namespaces: { agents: { 'governor.agents.dev/inject': 'true' } } });
    server = await startAdmissionServer({
      host: '127.0.0.1',
      port: 0,
      tls: { cert: serving.certificate, key: serving.privateKey },
      handlers: [sidecarInjectionHandler(view, defaultInjectionOptions('gov')), failing],
      log: pino({ level: 'silent' }),
      registry,
      maxBodyBytes: 64 * 1024,
    });
  });
  after(() => server?.close());

  it('answers a review with the uid, the verdict and a base64 JSON Patch', async () => {
    const answer = await post(server, ca.certificate, '/mutate/sidecar-injection', review(agentPod));
    assert.equal(answer.status, 200);
    const body = JSON.parse(answer.body) as AdmissionReview;
    assert.equal(body.apiVersion, 'admission.k8s.io/v1');
    assert.equal(body.response?.uid, 'uid-1');
    assert.equal(body.response?.allowed, true);
    assert.equal(body.response?.patchType, 'JSONPatch');
    const patch = JSON.parse(Buffer.from(body.response?.patch ?? '', 'base64').toString()) as Array<{
      path: string;
    }>;
    assert.ok(patch.some((op) => op.path === '/spec/initContainers'));
  });

  it('refuses bad requests with 4xx and a message, and keeps serving', async () => {
    const cases: Array<[string, string, string, number, RegExp]> = [
      ['/mutate/sidecar-injection', '{not json', 'POST', 400, /the body is not JSON/],
      [
        '/mutate/sidecar-injection',
        JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1beta1' }),
        'POST',
        400,
        /only admission\.k8s\.io\/v1/,
      ],
      [
        '/validate/nothing',
        review(agentPod),
        'POST',
        404,
        /no admission webhook at \/validate\/nothing; served: \/mutate\/sidecar-injection/,
      ],
      ['/mutate/sidecar-injection', '', 'GET', 405, /takes POST/],
      ['/mutate/sidecar-injection', 'x'.repeat(70 * 1024), 'POST', 413, /larger than 65536 bytes/],
    ];
    for (const [path, body, method, status, message] of cases) {
      const answer = await post(server, ca.certificate, path, body, method);
      assert.equal(answer.status, status, `${method} ${path}: ${answer.body}`);
      assert.match(answer.body, message);
    }
    const ok = await post(server, ca.certificate, '/mutate/sidecar-injection', review(agentPod));
    assert.equal(ok.status, 200);
  });

  it('answers a handler that throws with HTTP 500 and allowed: false, so failurePolicy decides', async () => {
    const answer = await post(server, ca.certificate, '/validate/failing', review(agentPod));
    assert.equal(answer.status, 500);
    const body = JSON.parse(answer.body) as AdmissionReview;
    assert.equal(body.response?.allowed, false);
    assert.equal(body.response?.status?.code, 500);
    assert.match(
      body.response?.status?.message ?? '',
      /failing webhook failed: cannot read ConfigMap agents\/llm/,
    );
  });

  it('counts requests by handler and outcome, and times them', async () => {
    const text = await registry.metrics();
    assert.match(
      text,
      /governor_operator_admission_requests_total\{handler="sidecar-injection",outcome="patched"\} [1-9]/,
    );
    assert.match(
      text,
      /governor_operator_admission_requests_total\{handler="sidecar-injection",outcome="invalid"\} [1-9]/,
    );
    assert.match(text, /governor_operator_admission_requests_total\{handler="failing",outcome="error"\} 1/);
    assert.match(text, /governor_operator_admission_requests_total\{handler="none",outcome="invalid"\} 1/);
    assert.match(
      text,
      /governor_operator_admission_duration_seconds_count\{handler="sidecar-injection"\} [1-9]/,
    );
  });

  it('serves a new certificate from the next connection on, without a restart', async () => {
    const before = await post(server, ca.certificate, '/mutate/sidecar-injection', review(agentPod));
    const renewed = await issueCertificate(ca, {
      subject: 'CN=w',
      usage: 'serverAuth',
      ipAddresses: ['127.0.0.1'],
      validity,
    });
    server.setTls({ cert: renewed.certificate, key: renewed.privateKey });
    const afterSwap = await post(server, ca.certificate, '/mutate/sidecar-injection', review(agentPod));
    assert.equal(afterSwap.status, 200);
    assert.equal(before.serial, certificateFacts(serving.certificate).serial);
    assert.equal(afterSwap.serial, certificateFacts(renewed.certificate).serial);
  });

  it('refuses two handlers on one path', async () => {
    await assert.rejects(
      startAdmissionServer({
        port: 0,
        tls: { cert: serving.certificate, key: serving.privateKey },
        handlers: [failing, { ...failing, name: 'other' }],
        log: pino({ level: 'silent' }),
      }),
      /handlers failing and other both claim \/validate\/failing/,
    );
  });
});
