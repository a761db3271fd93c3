// Keeps the PrometheusRule of an AgentSLO (built by controllers/agent-slo/prometheus-rule.ts) in the
// cluster when the prometheusrules.monitoring.coreos.com CRD is installed; skips it otherwise. The
// CRD's presence is learnt from the API (a list of the resource answers 404 without it) and
// remembered for a minute, so a CRD installed later is picked up.
import { isDeepStrictEqual } from 'node:util';
import { isNotFound } from '../../runtime/kube/api-error.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import type { PrometheusRule } from './prometheus-rule.js';

export const prometheusRules = resourceType<PrometheusRule>({
  group: 'monitoring.coreos.com',
  version: 'v1',
  plural: 'prometheusrules',
  kind: 'PrometheusRule',
  namespaced: true,
});

export type RuleSync = 'created' | 'updated' | 'unchanged' | 'no-crd';

export class PrometheusRuleSync {
  private known: { at: number; installed: boolean } | undefined;

  /** `recheckMs`: how long "the CRD is not installed" is believed before asking again. */
  constructor(private readonly recheckMs = 60_000) {}

  async sync(client: KubeClient, rule: PrometheusRule): Promise<RuleSync> {
    const key = { namespace: rule.metadata.namespace, name: rule.metadata.name };
    let existing: PrometheusRule | undefined;
    if (this.known && !this.known.installed && Date.now() - this.known.at < this.recheckMs) return 'no-crd';
    try {
      const found = await client.list(prometheusRules, {
        namespace: key.namespace,
        fieldSelector: `metadata.name=${key.name}`,
      });
      existing = found[0];
      this.known = { at: Date.now(), installed: true };
    } catch (err) {
      if (!isNotFound(err)) throw err;
      this.known = { at: Date.now(), installed: false };
      return 'no-crd';
    }
    if (!existing) {
      await client.create(prometheusRules, rule);
      return 'created';
    }
    const same =
      isDeepStrictEqual(existing.spec, rule.spec) &&
      isDeepStrictEqual(existing.metadata.labels ?? {}, rule.metadata.labels);
    if (same) return 'unchanged';
    await client.update(prometheusRules, {
      ...existing,
      metadata: {
        ...existing.metadata,
        labels: rule.metadata.labels,
        ownerReferences: rule.metadata.ownerReferences,
      },
      spec: rule.spec,
    });
    return 'updated';
  }
}
