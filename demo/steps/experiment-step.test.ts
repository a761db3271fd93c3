import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { readDemoManifests } from '../demo-manifests.js';
import { answerProblem, describeVariants, EXPERIMENT } from './experiment-step.js';

const answer = (variant: string | undefined, model: string, status = 200) => ({
  status,
  tokens: 20,
  ms: 3,
  model,
  ...(variant ? { variant } : {}),
});

describe('the experiment step', () => {
  it('finds its route and experiment in examples/demo, with a variant per model it expects', () => {
    const route = readDemoManifests(join(REPO_ROOT, 'examples', 'demo')).find(
      (o) => o.kind === 'FallbackRoute' && o.metadata?.name === EXPERIMENT.route,
    ) as unknown as FallbackRoute | undefined;
    assert.equal(route?.spec.model, EXPERIMENT.model);
    assert.equal(route?.spec.experiment?.name, EXPERIMENT.name);
    assert.deepEqual(
      Object.fromEntries(route?.spec.experiment?.variants.map((v) => [v.name, v.model]) ?? []),
      EXPERIMENT.models,
    );
  });

  it('accepts an answer in the variant of its conversation, called on the variant model', () => {
    assert.equal(answerProblem(answer('answer-model/mini', 'gpt-4o-mini'), undefined), undefined);
    assert.equal(answerProblem(answer('answer-model/control', 'gpt-4o'), 'answer-model/control'), undefined);
  });

  it('says what is wrong: a moved conversation, the wrong model, no variant, a refusal', () => {
    assert.match(
      answerProblem(answer('answer-model/mini', 'gpt-4o-mini'), 'answer-model/control') ?? '',
      /moved from answer-model\/control to answer-model\/mini/,
    );
    assert.match(answerProblem(answer('answer-model/mini', 'gpt-4o'), undefined) ?? '', /not gpt-4o-mini/);
    assert.match(answerProblem(answer(undefined, 'gpt-4o'), undefined) ?? '', /no x-governor-variant/);
    assert.equal(answerProblem(answer('answer-model/mini', 'gpt-4o', 429), undefined), '429');
  });

  it('describes the status numbers per variant', () => {
    assert.equal(describeVariants(undefined), 'no status.experiment yet');
    const route = {
      status: {
        experiment: {
          variants: [
            { name: 'control', calls: 19 },
            { name: 'mini', calls: 17 },
          ],
        },
      },
    } as unknown as FallbackRoute;
    assert.equal(describeVariants(route), 'control 19 calls, mini 17 calls');
  });
});
