import { z } from 'zod';
import { setList } from './list-types.js';
import { withRules } from './validation-rule.js';

/**
 * Prompt compression a FallbackRoute declares (docs/adr/0046-lossless-prompt-compression.md, and
 * docs/adr/0049-summaries-of-old-turns.md for Summarize):
 * the steps the sidecar applies, in order, to the messages of every call on the route. Shared by the
 * CRD (`FallbackRoute.spec.compression`), the standalone sidecar file and the effective policy.
 */
export const COMPRESSION_STEPS = [
  'CollapseWhitespace',
  'DropDuplicates',
  'AbridgeStaleToolOutputs',
  'Summarize',
] as const;
export type CompressionStep = (typeof COMPRESSION_STEPS)[number];

export const DEFAULT_KEEP_TURNS = 4;
export const DEFAULT_KEEP_LINES = 3;
export const DEFAULT_MAX_HISTORY_TOKENS = 8000;
export const DEFAULT_MAX_SUMMARY_TOKENS = 1000;

/**
 * The Summarize step's settings (docs/adr/0049-summaries-of-old-turns.md): the cheaper model that
 * writes the summary, the route target it is sent to, and when and how long.
 */
export const summarizeSpec = z
  .object({
    model: z
      .string()
      .min(1, { message: 'must name the model that writes the summary, e.g. gpt-4o-mini' })
      .max(256)
      .meta({
        description: "The (cheaper) model that writes the summary, asked through the route's targets.",
      }),
    target: z.string().min(1).max(63).optional().meta({
      description: "The route target the summary is asked of; default: the route's targets in order.",
    }),
    maxHistoryTokens: z
      .int({ error: 'must be a whole number of tokens, e.g. 8000' })
      .min(500, { message: 'must be at least 500 tokens' })
      .max(10_000_000, { message: 'must be at most 10000000 tokens' })
      .default(DEFAULT_MAX_HISTORY_TOKENS)
      .meta({
        description:
          'Once the old history (between the system prompt and the latest keepTurns turns) is longer ' +
          'than this many tokens, it is summarised. Default 8000.',
      }),
    maxSummaryTokens: z
      .int({ error: 'must be a whole number of tokens, e.g. 1000' })
      .min(50, { message: 'must be at least 50 tokens' })
      .max(100_000, { message: 'must be at most 100000 tokens' })
      .default(DEFAULT_MAX_SUMMARY_TOKENS)
      .meta({
        description: "The summary's output limit (max_tokens of the summariser's call). Default 1000.",
      }),
  })
  .meta({
    description:
      'Settings of the Summarize step: old history beyond maxHistoryTokens is replaced by one summary ' +
      'written in the background by this model; the call that first sees a long history is sent without it.',
  });

export type SummarizeSpec = z.infer<typeof summarizeSpec>;

export const promptCompressionSpec = withRules(
  z.object({
    steps: setList(
      z.enum(COMPRESSION_STEPS, { error: () => `must be one of ${COMPRESSION_STEPS.join(', ')}` }),
      'Steps applied in list order to the messages of every call on the route: CollapseWhitespace ' +
        '(runs of spaces and tabs to one space, three or more newlines to two, trailing spaces ' +
        'dropped; never inside ``` code fences or tool-call arguments), DropDuplicates (a tool output, ' +
        'document or user text of 200 characters or more equal to an earlier one, whitespace aside, ' +
        'becomes "[same as message N above]"), AbridgeStaleToolOutputs (tool results older than ' +
        'keepTurns user turns cut to their first and last keepLines lines). The system prompt and ' +
        'the latest keepTurns turns are always sent verbatim. Summarize (lossy, needs `summarize`): ' +
        'history beyond summarize.maxHistoryTokens replaced by one summary by a cheaper model, cut at ' +
        'user-turn boundaries; it runs before the lossless steps.',
      COMPRESSION_STEPS.length,
    ).min(1, { message: `must name at least one of ${COMPRESSION_STEPS.join(', ')}` }),
    keepTurns: z
      .int({ error: 'must be a whole number of user turns, e.g. 4' })
      .min(1, { message: 'must be at least 1 user turn' })
      .max(1000, { message: 'must be at most 1000 user turns' })
      .default(DEFAULT_KEEP_TURNS)
      .meta({
        description:
          'The latest user turns (a user message and everything after it) no step changes; older ' +
          'messages are compressed. Default 4.',
      }),
    keepLines: z
      .int({ error: 'must be a whole number of lines, e.g. 3' })
      .min(1, { message: 'must be at least 1 line' })
      .max(1000, { message: 'must be at most 1000 lines' })
      .default(DEFAULT_KEEP_LINES)
      .meta({
        description:
          'AbridgeStaleToolOutputs keeps this many first and this many last lines of a stale tool ' +
          'result (default 3 + 3); the lines between become "[… N lines abridged by agent-governor …]".',
      }),
    summarize: summarizeSpec.optional(),
  }),
  'Prompt compression applied by the sidecar before the call is budgeted and sent; answers carry ' +
    'x-governor-input-tokens-before and -after.',
  [
    {
      rule: "!self.steps.exists(s, s == 'Summarize') || has(self.summarize)",
      message: 'the Summarize step needs summarize.model (the model that writes the summary)',
      fieldPath: '.summarize',
      holds: (c) => !c.steps.includes('Summarize') || c.summarize !== undefined,
    },
    {
      rule: "!has(self.summarize) || self.steps.exists(s, s == 'Summarize')",
      message: 'summarize is set but steps does not list Summarize',
      fieldPath: '.steps',
      holds: (c) => c.summarize === undefined || c.steps.includes('Summarize'),
    },
  ],
);

export type PromptCompressionSpec = z.infer<typeof promptCompressionSpec>;

/** What the sidecar reads: the same fields, defaults applied. */
export const effectiveCompression = z.object({
  steps: z.array(z.enum(COMPRESSION_STEPS)).min(1),
  keepTurns: z.int().min(1).default(DEFAULT_KEEP_TURNS),
  keepLines: z.int().min(1).default(DEFAULT_KEEP_LINES),
  summarize: z
    .object({
      model: z.string().min(1),
      target: z.string().optional(),
      maxHistoryTokens: z.int().min(1).default(DEFAULT_MAX_HISTORY_TOKENS),
      maxSummaryTokens: z.int().min(1).default(DEFAULT_MAX_SUMMARY_TOKENS),
    })
    .optional(),
});

export type EffectiveCompression = z.infer<typeof effectiveCompression>;
