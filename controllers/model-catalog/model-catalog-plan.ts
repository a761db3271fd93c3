// What one ModelCatalog reconcile writes and says, decided from the catalog, every catalog of the
// cluster merged as of now, and the clock (pure): how many models it declares and prices now, which
// of its entries another one wins over, how the residency catalog places the hosts it declares, when
// its next price takes effect, and the date of the built-in defaults. Events tell what newly
// disagrees; the result looks again when the next price takes effect.
import type { ModelCatalog, ModelCatalogStatus } from '../../apis/model-catalog.js';
import { BUILT_IN_DEFAULTS } from '../../apis/pricing/built-in-models.js';
import type { EffectiveCatalog } from '../../apis/pricing/effective-catalog.js';
import { placeEndpoint } from '../../apis/region-catalog.js';
import type { PlannedEvent } from '../../runtime/controller/plan-executor.js';
import { done, type ReconcileResult, requeueAfter } from '../../runtime/controller/reconcile-result.js';
import { nextConditions } from '../kstatus/conditions.js';

/** Longest wait for the next price of a catalog: looked at again at least daily. */
const MAX_WAIT_MS = 86_400_000;
const MAX_SHADOWED = 64;

export interface ModelCatalogPlan {
  status: ModelCatalogStatus;
  events: PlannedEvent[];
  result: ReconcileResult;
}

type Endpoint = NonNullable<ModelCatalogStatus['endpoints']>[number];

export function planModelCatalog(
  catalog: ModelCatalog,
  merged: EffectiveCatalog,
  now: Date,
): ModelCatalogPlan {
  const name = catalog.metadata.name ?? '';
  const providers = catalog.spec.providers ?? [];
  const models = providers.reduce((sum, p) => sum + p.models.length, 0);
  const priced = Object.values(merged.priceSources).filter((s) => s.catalog === name).length;
  const shadowed = merged.shadowed
    .filter((s) => s.catalog === name)
    .map((s) => ({ model: s.model, by: s.by }))
    .slice(0, MAX_SHADOWED);
  const endpoints = providers.flatMap((p) => (p.endpoints ?? []).map(endpointResidency));
  const next = nextPrice(catalog, now);

  const differs = endpoints.filter((e) => e.residency === 'Differs');
  const parts = [
    `${models} ${models === 1 ? 'model' : 'models'} declared, ${priced} priced from this catalog now`,
    ...(shadowed.length > 0
      ? [
          `${shadowed.length} priced by another entry: ${shadowed.map((s) => `${s.model} (by ${s.by})`).join(', ')}`,
        ]
      : []),
    ...(differs.length > 0
      ? [
          `residency places ${differs
            .map((e) => `${e.host} in ${e.region ?? '?'}/${e.jurisdiction ?? '?'}`)
            .join(', ')}, not where declared`,
        ]
      : []),
    `models no catalog declares are priced at the built-in list prices of ${BUILT_IN_DEFAULTS.asOf}`,
  ];
  const status: ModelCatalogStatus = {
    models,
    pricedModels: priced,
    ...(shadowed.length > 0 ? { shadowed } : {}),
    ...(endpoints.length > 0 ? { endpoints } : {}),
    ...(next ? { nextPriceChange: next.toISOString() } : {}),
    builtInDefaultsAsOf: BUILT_IN_DEFAULTS.asOf,
    conditions: nextConditions(
      catalog.status?.conditions,
      [
        {
          type: 'Ready',
          status: 'True',
          reason: shadowed.length > 0 || differs.length > 0 ? 'AcceptedWithFindings' : 'Accepted',
          message: `${parts.join('; ')}.`,
        },
      ],
      catalog.metadata.generation,
      now,
    ),
    ...(catalog.metadata.generation !== undefined ? { observedGeneration: catalog.metadata.generation } : {}),
  };

  const knownShadowed = new Set((catalog.status?.shadowed ?? []).map((s) => `${s.model}\u0000${s.by}`));
  const knownDiffers = new Set(
    (catalog.status?.endpoints ?? []).filter((e) => e.residency === 'Differs').map((e) => e.host),
  );
  const events: PlannedEvent[] = [
    ...shadowed
      .filter((s) => !knownShadowed.has(`${s.model}\u0000${s.by}`))
      .map((s) => ({
        regarding: catalog,
        event: {
          type: 'Warning' as const,
          reason: 'PriceShadowed',
          action: 'MergeCatalogs',
          note: `Model "${s.model}" of this catalog is priced by ${s.by} instead (a later effectiveFrom wins, then the catalog name).`,
        },
      })),
    ...differs
      .filter((e) => !knownDiffers.has(e.host))
      .map((e) => ({
        regarding: catalog,
        event: {
          type: 'Warning' as const,
          reason: 'EndpointPlacedElsewhere',
          action: 'CheckResidency',
          note:
            `Host ${e.host} is declared elsewhere, but data residency places it in ${e.region ?? '?'}/${e.jurisdiction ?? '?'}, ` +
            'and judges it there.',
        },
      })),
  ];
  const result = next
    ? requeueAfter(Math.min(MAX_WAIT_MS, Math.max(0, next.getTime() - now.getTime())))
    : done;
  return { status, events, result };
}

function endpointResidency(endpoint: { host: string; region: string; jurisdiction: string }): Endpoint {
  const placed = placeEndpoint(endpoint.host);
  if (placed.internal) return { host: endpoint.host, residency: 'ClusterInternal' };
  if (placed.region === undefined) return { host: endpoint.host, residency: 'Unplaced' };
  const agrees =
    placed.region === endpoint.region &&
    (placed.jurisdiction ?? endpoint.jurisdiction) === endpoint.jurisdiction;
  return {
    host: endpoint.host,
    residency: agrees ? 'Agrees' : 'Differs',
    region: placed.region,
    ...(placed.jurisdiction !== undefined ? { jurisdiction: placed.jurisdiction } : {}),
  };
}

/** The earliest price of this catalog that takes effect after `now`. */
function nextPrice(catalog: ModelCatalog, now: Date): Date | undefined {
  let next: number | undefined;
  for (const provider of catalog.spec.providers ?? []) {
    for (const model of provider.models) {
      for (const price of model.prices ?? []) {
        const from = Date.parse(`${price.effectiveFrom}T00:00:00Z`);
        if (from > now.getTime() && (next === undefined || from < next)) next = from;
      }
    }
  }
  return next === undefined ? undefined : new Date(next);
}
