import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configMaps } from '../kube/resources.js';
import { type ControllerDefinition, defineController, watch } from './controller-definition.js';
import { done } from './reconcile-result.js';

const valid: ControllerDefinition = {
  name: 'token-budget',
  watches: [watch({ resource: configMaps })],
  reconcile: async () => done,
};

describe('defineController', () => {
  it('accepts a well-formed definition as it is', () => {
    assert.equal(defineController(valid), valid);
  });

  const refused: Array<[string, Partial<ControllerDefinition>, RegExp]> = [
    [
      'a name that is not kebab-case',
      { name: 'TokenBudget' },
      /controller name "TokenBudget" must be kebab-case/,
    ],
    ['a controller that watches nothing', { watches: [] }, /controller token-budget watches nothing/],
    ['zero workers', { concurrency: 0 }, /concurrency must be a whole number ≥ 1, not 0/],
    ['fractional workers', { concurrency: 1.5 }, /not 1.5/],
  ];
  for (const [name, change, message] of refused) {
    it(`refuses ${name}`, () => assert.throws(() => defineController({ ...valid, ...change }), message));
  }
});
