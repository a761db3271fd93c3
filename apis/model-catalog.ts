import { z } from 'zod';
import { calendarDay, count, currency, money } from './amounts.js';
import { conditions, observedGeneration } from './condition.js';
import { compositeMapList, mapList } from './list-types.js';
import { objectName } from './references.js';
import { resource } from './resource.js';
import { withRules } from './validation-rule.js';

/**
 * `ModelCatalog` (cluster-scoped): what a platform team declares about the providers and models its
 * agents call — prices per million tokens in the provider's currency, each from a date on, the most
 * output tokens a call can produce, the hosts a provider serves from, and exchange rates. The policy
 * compiler gives every agent's sidecar the prices in effect; budgets count with them and convert
 * with the declared rates. The project's built-in tables are dated defaults for every model no
 * catalog declares (apis/pricing/built-in-models.ts). Cluster-scoped on purpose: a price decides
 * when budgets trip, so only whoever may write cluster-wide objects may change one
 * (docs/adr/0039-declared-model-catalog.md).
 */

const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$/;

const price = z
  .object({
    effectiveFrom: calendarDay(
      'First day (00:00 UTC) these prices apply, e.g. 2026-01-01; the latest day not in the future wins.',
    ),
    input: money('Price per million input tokens, in the provider\'s currency, e.g. "2.50".'),
    output: money('Price per million output tokens, in the provider\'s currency, e.g. "10.00".'),
    cachedInput: money(
      'Price per million input tokens read from the provider prompt cache; the input price when absent.',
    ).optional(),
    cacheWrite: money(
      'Price per million input tokens written to the prompt cache (Anthropic); the input price when absent.',
    ).optional(),
    batchPercent: z.int().min(1).max(100).optional().meta({
      description:
        "Share of these prices a call through the provider's batch API costs (a deferred call); default 50.",
    }),
  })
  .meta({ description: 'Prices of a model from a date on.' });

const model = withRules(
  z.object({
    name: z
      .string()
      .min(1)
      .max(256)
      .regex(MODEL_NAME, { message: 'must be a model name such as gpt-4o or claude-sonnet-4-5' })
      .meta({
        description:
          'Model name as agents send it (or an Azure deployment name); also prices dated names it is a prefix of, ' +
          'e.g. gpt-4o prices gpt-4o-2024-08-06.',
      }),
    prices: mapList(
      price,
      'effectiveFrom',
      'Prices of the model, each from its effectiveFrom day on.',
      8,
    ).optional(),
    maxOutputTokens: z.int().min(1).max(10_000_000).optional().meta({
      description:
        'Most output tokens one call can produce; the worst case the sidecar reserves for a request that sets no limit.',
    }),
  }),
  'A model of the provider: its prices and output limit.',
  [
    {
      rule: '(has(self.prices) && size(self.prices) > 0) || has(self.maxOutputTokens)',
      message: 'declare prices, maxOutputTokens or both for the model',
      fieldPath: '.prices',
      holds: (m) => (m.prices?.length ?? 0) > 0 || m.maxOutputTokens !== undefined,
    },
  ],
);

const endpoint = z
  .object({
    host: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, {
        message: 'must be a lowercase host name such as eu.api.openai.com',
      })
      .meta({ description: 'Host name the provider serves from, e.g. eu.api.openai.com.' }),
    region: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'must be a region id such as eu-central-1' })
      .meta({ description: 'Region the host serves from, e.g. westeurope.' }),
    jurisdiction: z
      .string()
      .regex(/^[A-Z]{2,3}$/, { message: 'must be an upper-case jurisdiction code such as EU, CH or US' })
      .meta({ description: 'Jurisdiction of that region, e.g. EU.' }),
  })
  .meta({ description: 'A host the provider serves from, and where it is.' });

const provider = z
  .object({
    name: objectName('Name of the provider entry, unique in the catalog, e.g. azure-westeurope.'),
    currency: currency('ISO 4217 currency of every price of this provider, e.g. EUR.').default('USD'),
    endpoints: mapList(
      endpoint,
      'host',
      'Hosts the provider serves from. Checked against the residency catalog and reported in status; ' +
        'residency itself places hosts only by its built-in catalog and DataResidencyPolicy spec.endpoints.',
      32,
    ).optional(),
    models: mapList(model, 'name', 'Models of this provider.', 256).min(1),
  })
  .meta({ description: 'A provider contract: its currency, hosts and models.' });

const exchangeRate = withRules(
  z.object({
    from: currency('Currency converted from, e.g. USD.'),
    to: currency('Currency converted to, e.g. EUR.'),
    rate: z
      .string()
      .max(24)
      .regex(/^[0-9]{1,9}(\.[0-9]{1,10})?$/, { message: 'must be a decimal number such as 0.92' })
      .refine((r) => Number(r) > 0, { message: 'must be more than 0' })
      .meta({
        description: 'Units of `to` one unit of `from` is worth, e.g. "0.92" for USD to EUR.',
        'x-kubernetes-validations': [{ rule: 'double(self) > 0.0', message: 'must be more than 0' }],
      }),
    asOf: calendarDay('The day the rate was taken, e.g. 2026-12-01; shown wherever the rate is used.'),
  }),
  'An exchange rate a budget converts costs with; the inverse direction uses 1 / rate unless declared too.',
  [
    {
      rule: 'self.from != self.to',
      message: 'from and to must be different currencies',
      fieldPath: '.to',
      holds: (r) => r.from !== r.to,
    },
  ],
);

export const modelCatalogSpec = z
  .object({
    source: z.string().max(512).optional().meta({
      description: 'Where these numbers come from, for an auditor: a contract, a price sheet and its date.',
    }),
    providers: mapList(provider, 'name', 'Providers and their models.', 32).optional(),
    exchangeRates: compositeMapList(
      exchangeRate,
      ['from', 'to'],
      'Exchange rates budgets convert costs with, from the currency of a price to the currency of a budget.',
      64,
    ).optional(),
  })
  .meta({ description: 'Prices, output limits and hosts of models, and exchange rates.' });

export const ENDPOINT_RESIDENCY = ['Agrees', 'Differs', 'Unplaced', 'ClusterInternal'] as const;

export const modelCatalogStatus = z
  .object({
    models: count('Models this catalog declares.').optional(),
    pricedModels: count('Models with a price in effect now, from this catalog.').optional(),
    shadowed: z
      .array(
        z
          .object({
            model: z.string().max(256).meta({ description: 'Model declared here.' }),
            by: z.string().max(512).meta({ description: 'The entry that wins: catalog/provider.' }),
          })
          .meta({ description: 'A model another entry prices instead.' }),
      )
      .max(64)
      .optional()
      .meta({
        description:
          'Models declared here that another entry prices instead (a later effectiveFrom wins, then the catalog name).',
      }),
    endpoints: z
      .array(
        z
          .object({
            host: z.string().max(253).meta({ description: 'Declared host.' }),
            residency: z.enum(ENDPOINT_RESIDENCY).meta({
              description:
                'Agrees (the residency catalog places it where declared), Differs (it places it elsewhere), ' +
                'Unplaced (residency cannot place it; add it to a DataResidencyPolicy spec.endpoints) or ' +
                'ClusterInternal (not egress: residency always allows it).',
            }),
            region: z.string().max(64).optional().meta({ description: 'Region residency places it in.' }),
            jurisdiction: z
              .string()
              .max(8)
              .optional()
              .meta({ description: 'Jurisdiction residency places it in.' }),
          })
          .meta({ description: 'A declared host as data residency sees it.' }),
      )
      .max(128)
      .optional()
      .meta({ description: 'Each declared host, checked against the residency catalog.' }),
    nextPriceChange: z.string().max(64).optional().meta({
      description: 'When a price of this catalog next takes effect (RFC 3339).',
      format: 'date-time',
    }),
    builtInDefaultsAsOf: z.string().max(32).optional().meta({
      description: 'Date of the built-in price and limit tables used for models no catalog declares.',
    }),
    conditions,
    observedGeneration,
  })
  .meta({ description: 'What the catalog contributes, and what it disagrees with.' });

export const modelCatalog = resource('ModelCatalog', modelCatalogSpec, modelCatalogStatus);
export type ModelCatalog = z.infer<typeof modelCatalog>;
export type ModelCatalogSpec = z.infer<typeof modelCatalogSpec>;
export type ModelCatalogStatus = z.infer<typeof modelCatalogStatus>;
