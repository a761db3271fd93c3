import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EffectiveExperiment } from '../../apis/route-experiment.js';
import { assignVariant, stickyPoint, variantAt } from './variant-assignment.js';

const experiment = (weights: number[], name = 'support-model'): EffectiveExperiment => ({
  name,
  stickyBy: 'x-governor-conversation-id',
  variants: weights.map((weight, i) => ({ name: `v${i}`, weight })),
});

describe('assignVariant', () => {
  it('gives one sticky key the same variant every time, by the hash alone', () => {
    const e = experiment([50, 50]);
    const first = assignVariant(e, 'conversation-42', () => 0);
    for (let i = 0; i < 20; i++) {
      const again = assignVariant(e, 'conversation-42', () => Math.random());
      assert.equal(again.variant.name, first.variant.name);
      assert.equal(again.by, 'sticky');
    }
  });

  it('splits many keys by the weights (within 2 points of 10,000 keys)', () => {
    for (const weights of [
      [50, 50],
      [90, 10],
      [20, 30, 50],
      [25, 25, 25, 25],
    ]) {
      const e = experiment(weights);
      const counts = new Map<string, number>();
      for (let i = 0; i < 10_000; i++) {
        const name = assignVariant(e, `conversation-${i}`).variant.name;
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
      weights.forEach((weight, i) => {
        const share = ((counts.get(`v${i}`) ?? 0) / 10_000) * 100;
        assert.ok(
          Math.abs(share - weight) < 2,
          `weights ${weights}: v${i} got ${share}%, expected ${weight}%`,
        );
      });
    }
  });

  it('never chooses a variant of weight 0 (a promoted winner takes every conversation)', () => {
    const e = experiment([100, 0]);
    for (let i = 0; i < 1000; i++) assert.equal(assignVariant(e, `c${i}`).variant.name, 'v0');
    const f = experiment([0, 100]);
    for (let i = 0; i < 1000; i++) assert.equal(assignVariant(f, `c${i}`).variant.name, 'v1');
    assert.equal(assignVariant(f, undefined, () => 0).variant.name, 'v1');
  });

  it('draws at random per call without a sticky key (an empty header counts as none)', () => {
    const e = experiment([30, 70]);
    assert.deepEqual(
      assignVariant(e, undefined, () => 0.29),
      { variant: e.variants[0], by: 'random' },
    );
    assert.deepEqual(
      assignVariant(e, '', () => 0.3),
      { variant: e.variants[1], by: 'random' },
    );
    assert.equal(assignVariant(e, undefined, () => 0.999999).variant.name, 'v1');
  });

  it('hashes the experiment name with the key, so two experiments split one conversation independently', () => {
    assert.notEqual(stickyPoint('a', 'conversation-1'), stickyPoint('b', 'conversation-1'));
    const point = stickyPoint('support-model', 'conversation-1');
    assert.ok(point >= 0 && point < 100);
    // Fixed by SHA-256: the same in every sidecar, on every restart.
    assert.equal(point, stickyPoint('support-model', 'conversation-1'));
  });
});

describe('variantAt', () => {
  it('lays the weights out in list order over [0, 100)', () => {
    const { variants } = experiment([20, 30, 50]);
    assert.equal(variantAt(variants, 0).name, 'v0');
    assert.equal(variantAt(variants, 19.99).name, 'v0');
    assert.equal(variantAt(variants, 20).name, 'v1');
    assert.equal(variantAt(variants, 49.99).name, 'v1');
    assert.equal(variantAt(variants, 50).name, 'v2');
    assert.equal(variantAt(variants, 99.999).name, 'v2');
  });
});
