import { createHash } from 'node:crypto';
import type { EffectiveExperiment, EffectiveVariant } from '../../apis/route-experiment.js';

export interface VariantAssignment {
  variant: EffectiveVariant;
  /** `sticky`: chosen by the hash of the sticky key; `random`: the call had no sticky key. */
  by: 'sticky' | 'random';
}

/**
 * The variant of an experiment a call belongs to. With a sticky key (the value of the experiment's
 * `stickyBy` header) the choice is the SHA-256 of the experiment name and the key, read as a point in
 * [0, 100) and placed on the variants' cumulative weights: the same conversation gets the same
 * variant in every sidecar and across restarts, as long as the weights stay. Without a key each call
 * draws at random (`random` in [0, 1)): the split still follows the weights, but one caller's calls
 * may land in different variants. A variant of weight 0 is never chosen. Pure.
 */
export function assignVariant(
  experiment: EffectiveExperiment,
  stickyKey: string | undefined,
  random: () => number = Math.random,
): VariantAssignment {
  const by = stickyKey !== undefined && stickyKey !== '' ? 'sticky' : 'random';
  const point = by === 'sticky' ? stickyPoint(experiment.name, stickyKey as string) : random() * 100;
  return { variant: variantAt(experiment.variants, point), by };
}

/** The variant whose share of [0, 100) holds `point`, weights laid out in list order. */
export function variantAt(variants: readonly EffectiveVariant[], point: number): EffectiveVariant {
  let upTo = 0;
  let last: EffectiveVariant | undefined;
  for (const variant of variants) {
    if (variant.weight <= 0) continue;
    upTo += variant.weight;
    last = variant;
    if (point < upTo) return variant;
  }
  // Weights sum to 100, so only rounding at the top edge gets here: the last variant with weight.
  return last ?? (variants[0] as EffectiveVariant);
}

/** The first 48 bits of SHA-256(experiment NUL key), as a point in [0, 100). */
export function stickyPoint(experiment: string, key: string): number {
  const digest = createHash('sha256').update(experiment).update('\u0000').update(key).digest();
  return (digest.readUIntBE(0, 6) / 2 ** 48) * 100;
}
