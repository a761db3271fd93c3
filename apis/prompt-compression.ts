import { z } from 'zod';
import { setList } from './list-types.js';

/**
 * Lossless prompt compression a FallbackRoute declares (docs/adr/0046-lossless-prompt-compression.md):
 * the steps the sidecar applies, in order, to the messages of every call on the route. Shared by the
 * CRD (`FallbackRoute.spec.compression`), the standalone sidecar file and the effective policy.
 */
export const COMPRESSION_STEPS = ['CollapseWhitespace', 'DropDuplicates', 'AbridgeStaleToolOutputs'] as const;
export type CompressionStep = (typeof COMPRESSION_STEPS)[number];

export const DEFAULT_KEEP_TURNS = 4;
export const DEFAULT_KEEP_LINES = 3;

export const promptCompressionSpec = z
  .object({
    steps: setList(
      z.enum(COMPRESSION_STEPS, { error: () => `must be one of ${COMPRESSION_STEPS.join(', ')}` }),
      'Steps applied in list order to the messages of every call on the route: CollapseWhitespace ' +
        '(runs of spaces and tabs to one space, three or more newlines to two, trailing spaces ' +
        'dropped; never inside ``` code fences or tool-call arguments), DropDuplicates (a tool output, ' +
        'document or user text of 200 characters or more equal to an earlier one, whitespace aside, ' +
        'becomes "[same as message N above]"), AbridgeStaleToolOutputs (tool results older than ' +
        'keepTurns user turns cut to their first and last keepLines lines). The system prompt and ' +
        'the latest keepTurns turns are always sent verbatim.',
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
  })
  .meta({
    description:
      'Lossless prompt compression applied by the sidecar before the call is budgeted and sent; ' +
      'answers carry x-governor-input-tokens-before and -after.',
  });

export type PromptCompressionSpec = z.infer<typeof promptCompressionSpec>;

/** What the sidecar reads: the same fields, defaults applied. */
export const effectiveCompression = z.object({
  steps: z.array(z.enum(COMPRESSION_STEPS)).min(1),
  keepTurns: z.int().min(1).default(DEFAULT_KEEP_TURNS),
  keepLines: z.int().min(1).default(DEFAULT_KEEP_LINES),
});

export type EffectiveCompression = z.infer<typeof effectiveCompression>;
