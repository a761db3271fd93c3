// The mutating webhook at /mutate/sidecar-injection: Pods of agents, on CREATE, in namespaces that are
// not exempt, get the sidecar when they or their namespace opt in (injection-decision.ts). Anything
// else is allowed unchanged — this webhook never refuses a pod; residency validation judges it.
import type { AdmissionClusterView } from '../admission/admission-cluster-view.js';
import type { AdmissionHandler, AdmissionVerdict } from '../admission/admission-review.js';
import { SIDECAR_INJECTION_WEBHOOK } from '../registration/webhook-names.js';
import { gatewayPodPatch } from './gateway-pod-patch.js';
import { injectionDecision } from './injection-decision.js';
import { injectionMode } from './injection-mode.js';
import type { SidecarInjectionOptions } from './injection-options.js';
import { routeCredentialSecrets } from './route-credentials.js';
import { sidecarPlan } from './sidecar-container.js';
import { type PodShape, sidecarPodPatch } from './sidecar-pod-patch.js';

type Pod = PodShape & { metadata?: { labels?: Record<string, string>; namespace?: string } };

const unchanged: AdmissionVerdict = { allowed: true };

export function sidecarInjectionHandler(
  view: AdmissionClusterView,
  options: SidecarInjectionOptions,
): AdmissionHandler {
  return {
    name: 'sidecar-injection',
    path: SIDECAR_INJECTION_WEBHOOK.path,
    async handle(request) {
      if (request.operation !== 'CREATE' || request.resource.resource !== 'pods' || request.subResource) {
        return unchanged;
      }
      const pod = request.object as Pod | undefined;
      const namespace = request.namespace ?? pod?.metadata?.namespace;
      if (!pod || !namespace || view.exemptNamespaces.has(namespace)) return unchanged;
      const decision = injectionDecision(pod.metadata, view.namespace(namespace)?.labels);
      if (!decision.inject) return unchanged;
      const chosen = injectionMode(
        pod.metadata?.labels,
        view.namespace(namespace)?.labels,
        options.gatewayUrl,
      );
      if (chosen.mode === 'gateway' && options.gatewayUrl) {
        const { patch, warnings } = gatewayPodPatch(pod, options.gatewayUrl, options.version);
        return {
          allowed: true,
          ...(patch.length > 0 ? { patch } : {}),
          ...(warnings.length > 0 ? { warnings } : {}),
        };
      }
      const secrets = routeCredentialSecrets(view.fallbackRoutes(namespace), pod.metadata?.labels ?? {});
      const plan = sidecarPlan({ namespace, name: decision.agent }, secrets, options, pod.spec);
      const { patch, warnings } = sidecarPodPatch(pod, plan, options);
      if (chosen.warning) warnings.unshift(chosen.warning);
      return {
        allowed: true,
        ...(patch.length > 0 ? { patch } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      };
    },
  };
}
