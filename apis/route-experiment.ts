import { z } from 'zod';
import { mapList } from './list-types.js';
import { effectiveCompression, promptCompressionSpec } from './prompt-compression.js';
import { withRules } from './validation-rule.js';

/**
 * An A/B experiment a FallbackRoute declares (docs/adr/0051-route-experiments.md): the route's calls
 * are split between 2–8 variants by weight, sticky by a request header (a conversation stays in one
 * variant), and each variant may call another model, compress otherwise, or name a prompt template.
 * Shared by the CRD (`FallbackRoute.spec.experiment`), the standalone sidecar file and the effective
 * policy.
 */
export const DEFAULT_STICKY_HEADER = 'x-governor-conversation-id';
export const MIN_VARIANTS = 2;
export const MAX_VARIANTS = 8;
/** The header the sidecar sets on a call when its variant names a prompt template. */
export const PROMPT_TEMPLATE_HEADER = 'x-governor-prompt-template';

const NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const HEADER = /^[a-z0-9][a-z0-9-]{0,127}$/;

const shortName = (description: string) =>
  z
    .string()
    .min(1)
    .max(63)
    .regex(NAME, { message: 'must be a lowercase name of letters, digits and dashes (at most 63)' })
    .meta({ description });

export const experimentVariant = z
  .object({
    name: shortName(
      'Name of the variant, unique in the experiment; shown in x-governor-variant, metrics and status. The first variant is the control.',
    ),
    weight: z
      .int({ error: 'must be a whole percentage from 0 to 100' })
      .min(0, { message: 'must be at least 0' })
      .max(100, { message: 'must be at most 100' })
      .meta({
        description:
          'Share of the conversations in percent; the weights of all variants sum to 100. 0 drains the variant.',
      }),
    model: z.string().min(1).max(256).optional().meta({
      description:
        "Model this variant's calls ask the route's targets for, instead of the model the agent asked for (a target's own model still wins).",
    }),
    compression: promptCompressionSpec
      .optional()
      .meta({ description: "Compression of this variant's calls, instead of the route's spec.compression." }),
    promptTemplate: z
      .string()
      .min(1)
      .max(253)
      .regex(/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(@[A-Za-z0-9._-]{1,63})?$/, {
        message: 'must be a PromptTemplate name, optionally @version, e.g. support-answer@2',
      })
      .optional()
      .meta({
        description: `PromptTemplate (name or name@version) this variant's calls use: the sidecar sets ${PROMPT_TEMPLATE_HEADER}.`,
      }),
  })
  .meta({ description: 'One arm of the experiment.' });

export const routeExperimentSpec = withRules(
  z.object({
    name: shortName('Name of the experiment; shown in x-governor-variant, metrics and status.'),
    stickyBy: z
      .string()
      .max(128)
      .regex(HEADER, { message: 'must be a lowercase HTTP header name such as x-governor-conversation-id' })
      .default(DEFAULT_STICKY_HEADER)
      .meta({
        description:
          'Request header whose value keeps a caller in one variant (SHA-256 of experiment name and value); a call without it gets a random variant.',
      }),
    variants: mapList(
      experimentVariant,
      'name',
      `The ${MIN_VARIANTS} to ${MAX_VARIANTS} variants; the first is the control the others are compared with.`,
      MAX_VARIANTS,
    ).min(MIN_VARIANTS, { message: `must list at least ${MIN_VARIANTS} variants` }),
  }),
  "An A/B experiment: the route's calls split between variants by weight, sticky by a header; answers carry x-governor-variant: <experiment>/<variant>. Promote a winner by setting its weight to 100 (or removing the experiment).",
  [
    {
      rule: 'self.variants.map(v, v.weight).sum() == 100',
      message: 'experiment.variants weights must sum to 100',
      fieldPath: '.variants',
      holds: (e) => e.variants.reduce((sum, v) => sum + v.weight, 0) === 100,
    },
  ],
);

export type RouteExperimentSpec = z.infer<typeof routeExperimentSpec>;

/** What the sidecar reads: the same fields, defaults applied. */
export const effectiveExperiment = z.object({
  name: z.string().min(1),
  stickyBy: z.string().min(1).default(DEFAULT_STICKY_HEADER),
  variants: z
    .array(
      z.object({
        name: z.string().min(1),
        weight: z.int().min(0).max(100),
        model: z.string().min(1).optional(),
        compression: effectiveCompression.optional(),
        promptTemplate: z.string().min(1).optional(),
      }),
    )
    .min(MIN_VARIANTS)
    .max(MAX_VARIANTS),
});

export type EffectiveExperiment = z.infer<typeof effectiveExperiment>;
export type EffectiveVariant = EffectiveExperiment['variants'][number];
