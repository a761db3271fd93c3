// The admission server as the operator runs it — node:https, the real residency validation and
// sidecar injection handlers — in a process of its own, so that the load generator does not share
// its event loop. The cluster view is an in-memory one (the operator's is the same lookups over
// informer caches): an EU namespace under an EU-only Enforce policy, with a route for the agent.
// Sends `{ url, ca }` to the parent once it listens.
import { pino } from 'pino';
import { createCertificateAuthority, issueCertificate } from '../../runtime/tls/certificate-issuer.js';
import { defaultInjectionOptions } from '../../webhooks/injection/injection-options.js';
import { sidecarInjectionHandler } from '../../webhooks/injection/sidecar-injection-handler.js';
import { residencyValidationHandler } from '../../webhooks/residency/residency-validation-handler.js';
import { startAdmissionServer } from '../../webhooks/server/admission-server.js';
import { inMemoryClusterView } from '../../webhooks/testdata/in-memory-cluster-view.js';
import { BENCH_NAMESPACE, benchRoute, EU_POLICY } from './admission-review-body.js';

const validity = { notBefore: new Date(Date.now() - 60_000), notAfter: new Date(Date.now() + 24 * 3600_000) };
const ca = await createCertificateAuthority('admission-bench-ca', validity);
const serving = await issueCertificate(ca, {
  subject: 'CN=admission-bench',
  usage: 'serverAuth',
  ipAddresses: ['127.0.0.1'],
  validity,
});
const view = inMemoryClusterView({
  namespaces: { [BENCH_NAMESPACE]: { 'data-zone': 'eu', 'governor.agents.dev/inject': 'true' } },
  residencyPolicies: [EU_POLICY],
  fallbackRoutes: [benchRoute()],
});
const server = await startAdmissionServer({
  host: '127.0.0.1',
  port: 0,
  tls: { cert: serving.certificate, key: serving.privateKey },
  handlers: [
    residencyValidationHandler(view),
    sidecarInjectionHandler(view, defaultInjectionOptions('agent-governor-system')),
  ],
  log: pino({ level: 'silent' }),
});
process.send?.({ url: server.url, ca: ca.certificate });
process.on('disconnect', () => {
  void server.close(0).then(() => process.exit(0));
});
