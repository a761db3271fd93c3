// Which provider-key Secrets the sidecar of a pod must mount: those the targets of every FallbackRoute
// selecting the pod reference (all of them, not only the route that wins a model: if the winner is
// deleted, the next one takes over without a restart). Routes created after the pod need a restart
// of the pod to get their Secrets mounted — the sidecar then reports the missing key per target. Pure.
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { matchesSelector } from '../../apis/label-selector-match.js';

export function routeCredentialSecrets(
  routes: readonly FallbackRoute[],
  podLabels: Readonly<Record<string, string>>,
): string[] {
  const secrets = new Set<string>();
  for (const route of routes) {
    if (route.metadata?.deletionTimestamp || !matchesSelector(route.spec?.agentSelector, podLabels)) continue;
    for (const target of route.spec?.targets ?? []) {
      if (target.credentialsSecretRef?.name) secrets.add(target.credentialsSecretRef.name);
    }
  }
  return [...secrets].sort();
}
