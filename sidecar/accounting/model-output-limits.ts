import { BUILT_IN_OUTPUT_LIMITS, DEFAULT_OUTPUT_LIMIT } from '../../apis/pricing/built-in-models.js';
import { longestPrefixMatch } from '../../apis/pricing/model-name.js';

export { DEFAULT_OUTPUT_LIMIT } from '../../apis/pricing/built-in-models.js';

/**
 * Most output tokens one call of `model` may produce: the declared limit (the policy's
 * `outputLimits`, from the cluster's ModelCatalogs or a standalone file) when one matches, else the
 * built-in table's, else DEFAULT_OUTPUT_LIMIT. Both tables match dated names by longest prefix, the
 * declared one winning a tie.
 */
export function modelOutputLimit(model: string, declared?: Readonly<Record<string, number>>): number {
  const own = declared ? longestPrefixMatch(model, declared) : undefined;
  const builtIn = longestPrefixMatch(model, BUILT_IN_OUTPUT_LIMITS);
  if (own && (!builtIn || own.key.length >= builtIn.key.length)) return own.value;
  return builtIn?.value ?? DEFAULT_OUTPUT_LIMIT;
}
