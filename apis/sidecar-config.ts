import { z } from 'zod';
import { currency, money } from './amounts.js';
import { dataResidencyPolicySpec } from './data-residency-policy.js';
import { fallbackRouteSpec } from './fallback-route.js';
import { mapList } from './list-types.js';
import { modelCatalogSpec } from './model-catalog.js';
import { placeholderProblems, promptTemplateSpec } from './prompt-template.js';
import { reasoningBudget } from './reasoning-budget.js';
import { objectName } from './references.js';
import { tokenBudgetSpec } from './token-budget.js';

/**
 * The standalone sidecar's YAML file (`agent-governor sidecar --config FILE`): the four kinds as a
 * person writes them, without selectors, in one document. Routes read like FallbackRoute specs,
 * budgets like TokenBudget specs, residency like DataResidencyPolicy specs; provider keys are given
 * inline (usually `${OPENAI_API_KEY}`), as a file, or as an environment variable of the sidecar.
 * `apis/compile/sidecar-config.ts` turns it into the EffectivePolicy the sidecar enforces.
 *
 * The apiVersion is not `governor.agents.dev/...`: this is a file, not an object of the API server.
 */
export const SIDECAR_CONFIG_API_VERSION = 'config.governor.agents.dev/v1alpha1';
export const SIDECAR_CONFIG_KIND = 'SidecarConfig';

const routeSpec = fallbackRouteSpec.shape;
const budgetSpec = tokenBudgetSpec.shape;
const residencySpec = dataResidencyPolicySpec.shape;

const target = routeSpec.targets.element
  .omit({ credentialsSecretRef: true })
  .extend({
    apiKey: z.string().min(1).optional().meta({
      description:
        'The API key itself, usually an environment reference; stays in the sidecar, never logged.',
    }),
    apiKeyFile: z
      .string()
      .min(1)
      .optional()
      .meta({ description: 'File holding the API key (e.g. a mounted Secret); read by the sidecar.' }),
    apiKeyEnv: z
      .string()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'must be an environment variable name' })
      .optional()
      .meta({ description: 'Environment variable of the sidecar holding the API key.' }),
  })
  .strict()
  .superRefine((t, ctx) => {
    const given = (['apiKey', 'apiKeyFile', 'apiKeyEnv'] as const).filter((k) => t[k] !== undefined);
    if (given.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [given[1] as string],
        message: `set only one of apiKey, apiKeyFile and apiKeyEnv (found ${given.join(' and ')})`,
      });
    }
  });

export const sidecarRoute = z
  .strictObject({
    name: objectName('Name of the route, shown in x-governor-route; default: the model.').optional(),
    model: routeSpec.model,
    targets: mapList(
      target,
      'name',
      'Ordered targets; the next is tried when one fails or its circuit is open.',
      10,
    ).min(1),
    timeouts: routeSpec.timeouts,
    retries: routeSpec.retries,
    circuitBreaker: routeSpec.circuitBreaker,
    cache: routeSpec.cache,
    staticResponse: routeSpec.staticResponse,
    degradeTo: routeSpec.degradeTo,
    compression: routeSpec.compression,
    experiment: routeSpec.experiment,
  })
  .superRefine((r, ctx) => {
    if (r.degradeTo?.target && !r.targets.some((t) => t.name === r.degradeTo?.target)) {
      ctx.addIssue({
        code: 'custom',
        path: ['degradeTo', 'target'],
        message: `must name one of the targets (${r.targets.map((t) => t.name).join(', ')})`,
      });
    }
    const summaryTarget = r.compression?.summarize?.target;
    if (summaryTarget && !r.targets.some((t) => t.name === summaryTarget)) {
      ctx.addIssue({
        code: 'custom',
        path: ['compression', 'summarize', 'target'],
        message: `must name one of the targets (${r.targets.map((t) => t.name).join(', ')})`,
      });
    }
  });

export const sidecarBudget = z
  .strictObject({
    name: objectName('Name of the budget, quoted in 429 answers.'),
    useCases: budgetSpec.useCases,
    period: budgetSpec.period,
    limits: budgetSpec.limits,
    thresholds: budgetSpec.thresholds,
    degrade: budgetSpec.degrade,
    throttle: budgetSpec.throttle,
    unpricedModels: budgetSpec.unpricedModels,
  })
  .superRefine((b, ctx) => {
    if (b.thresholds?.some((t) => t.actions.includes('Throttle')) && !b.throttle) {
      ctx.addIssue({
        code: 'custom',
        path: ['throttle'],
        message: 'a threshold uses Throttle, so throttle.requestsPerMinute is required',
      });
    }
  });

export const sidecarResidency = z
  .strictObject({
    name: objectName('Name of the policy, quoted in 403 answers.'),
    mode: residencySpec.mode,
    allowedRegions: residencySpec.allowedRegions,
    allowedJurisdictions: residencySpec.allowedJurisdictions,
    endpoints: residencySpec.endpoints,
    unknownEndpoints: residencySpec.unknownEndpoints,
  })
  .superRefine((p, ctx) => {
    if ((p.allowedRegions?.length ?? 0) + (p.allowedJurisdictions?.length ?? 0) === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedRegions'],
        message:
          'set allowedRegions, allowedJurisdictions or both; a policy that allows nowhere refuses every call',
      });
    }
  });

const templateSpec = promptTemplateSpec.shape;

export const sidecarPromptTemplate = z
  .strictObject({
    name: objectName('Name of the template: what a call names in x-governor-prompt-template.'),
    version: templateSpec.version,
    description: templateSpec.description,
    messages: templateSpec.messages,
    variables: templateSpec.variables,
  })
  .superRefine((t, ctx) => {
    for (const problem of placeholderProblems(t)) {
      ctx.addIssue({
        code: 'custom',
        path: ['messages'],
        message: `${problem} names no declared variable; every {{placeholder}} must be {{name}} or {{ name }} of spec.variables`,
      });
    }
  });

const price = z.strictObject({
  input: money('Price per million input tokens, in currency, e.g. "2.50".'),
  output: money('Price per million output tokens, in currency, e.g. "10.00".'),
  cachedInput: money('Price per million cached input tokens, e.g. "1.25".').optional(),
  cacheWrite: money('Price per million input tokens written to the prompt cache (Anthropic).').optional(),
  currency: currency('ISO 4217 currency of the prices, e.g. EUR.').default('USD'),
  maxOutputTokens: z.int().min(1).max(10_000_000).optional(),
  batchPercent: z.int().min(1).max(100).optional(),
});

export const sidecarConfig = z.strictObject({
  apiVersion: z.literal(SIDECAR_CONFIG_API_VERSION),
  kind: z.literal(SIDECAR_CONFIG_KIND),
  agent: z
    .strictObject({
      name: z.string().min(1).max(253).default('local-agent'),
      namespace: z.string().min(1).max(63).default('default'),
      critical: z.boolean().default(false),
    })
    .prefault({}),
  routes: z
    .array(sidecarRoute)
    .min(1, { message: 'needs at least one route: the sidecar must know where to send calls' })
    .max(100)
    .superRefine((routes, ctx) => {
      const seen = new Set<string>();
      routes.forEach((r, i) => {
        const name = r.name ?? r.model;
        if (seen.has(name)) {
          ctx.addIssue({ code: 'custom', path: [i, 'name'], message: `duplicate route name ${name}` });
        }
        seen.add(name);
      });
    }),
  budgets: mapList(sidecarBudget, 'name', 'Token and cost budgets of this agent.', 16).default([]),
  reasoning: reasoningBudget.optional(),
  residency: mapList(sidecarResidency, 'name', 'Where calls may go.', 16).default([]),
  pricing: z.record(z.string().min(1), price).default({}),
  /** The ModelCatalog's exchange rates, for budgets in another currency than a price. */
  exchangeRates: modelCatalogSpec.shape.exchangeRates,
  logging: z.strictObject({ prompts: z.boolean().default(false) }).prefault({}),
  /** Prompt templates a call may name (docs/adr/0050-versioned-prompt-templates.md). */
  promptTemplates: mapList(sidecarPromptTemplate, 'name', 'Versioned prompt templates.', 100).default([]),
});

export type SidecarConfig = z.infer<typeof sidecarConfig>;
export type SidecarRoute = z.infer<typeof sidecarRoute>;
export type SidecarBudget = z.infer<typeof sidecarBudget>;
export type SidecarResidency = z.infer<typeof sidecarResidency>;
export type SidecarPromptTemplate = z.infer<typeof sidecarPromptTemplate>;
