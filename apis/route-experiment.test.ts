import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { example } from '../testing/repo-files.js';
import { fallbackRouteSpec } from './fallback-route.js';
import { DEFAULT_STICKY_HEADER, routeExperimentSpec } from './route-experiment.js';

const variants = (...weights: number[]) => weights.map((weight, i) => ({ name: `v${i}`, weight }));

function problems(value: unknown): string[] {
  const result = routeExperimentSpec.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('FallbackRoute.spec.experiment', () => {
  it('takes 2 to 8 variants whose weights sum to 100, sticky by x-governor-conversation-id by default', () => {
    const parsed = routeExperimentSpec.parse({ name: 'support-model', variants: variants(50, 50) });
    assert.equal(parsed.stickyBy, DEFAULT_STICKY_HEADER);
    assert.deepEqual(problems({ name: 'e', variants: variants(100, 0) }), []);
    assert.deepEqual(problems({ name: 'e', variants: variants(12, 12, 12, 12, 13, 13, 13, 13) }), []);
  });

  it('refuses weights that do not sum to 100, naming the field', () => {
    assert.deepEqual(problems({ name: 'e', variants: variants(50, 40) }), [
      'variants: experiment.variants weights must sum to 100',
    ]);
    assert.deepEqual(problems({ name: 'e', variants: variants(60, 60) }), [
      'variants: experiment.variants weights must sum to 100',
    ]);
  });

  it('refuses one variant, nine variants, a repeated name, a weight over 100, a header in capitals', () => {
    assert.match(problems({ name: 'e', variants: variants(100) }).join(), /at least 2 variants/);
    assert.match(
      problems({ name: 'e', variants: variants(10, 10, 10, 10, 10, 10, 10, 10, 20) }).join(),
      /variants/,
    );
    assert.match(
      problems({
        name: 'e',
        variants: [
          { name: 'a', weight: 50 },
          { name: 'a', weight: 50 },
        ],
      }).join(),
      /Duplicate value: name="a"/,
    );
    assert.match(problems({ name: 'e', variants: variants(101, -1) }).join(), /at most 100/);
    assert.match(
      problems({ name: 'e', stickyBy: 'X-Conversation', variants: variants(50, 50) }).join(),
      /lowercase HTTP header name/,
    );
  });

  it('takes a model, a compression and a prompt template per variant', () => {
    const parsed = routeExperimentSpec.parse({
      name: 'e',
      variants: [
        { name: 'control', weight: 50 },
        {
          name: 'treatment',
          weight: 50,
          model: 'gpt-4o-mini',
          compression: { steps: ['CollapseWhitespace'] },
          promptTemplate: 'support-answer@2',
        },
      ],
    });
    assert.equal(parsed.variants[1]?.compression?.keepTurns, 4);
    assert.match(
      problems({
        name: 'e',
        variants: [
          { name: 'a', weight: 50 },
          { name: 'b', weight: 50, promptTemplate: 'Bad Name' },
        ],
      }).join(),
      /PromptTemplate name/,
    );
  });

  it('is part of the FallbackRoute spec: the experiment example parses', () => {
    const manifest = example('fallback-route-experiment.yaml') as { spec: unknown };
    const spec = fallbackRouteSpec.parse(manifest.spec);
    assert.equal(spec.experiment?.name, 'support-model');
    assert.deepEqual(
      spec.experiment?.variants.map((v) => [v.name, v.weight, v.model]),
      [
        ['control', 50, undefined],
        ['mini', 50, 'gpt-4o-mini'],
      ],
    );
  });
});
