import { MAX_HOUR_USE_CASES } from '../../apis/usage-ledger.js';

/** Label value of calls without an `x-governor-use-case` header. */
export const NO_USE_CASE = 'none';
/** Label value of the use cases past the bound. */
export const OTHER_USE_CASE = 'other';

/**
 * The `use_case` label of the token and cost metrics, bounded: the first MAX_HOUR_USE_CASES use
 * cases a sidecar sees keep their name for its lifetime, later ones are "other". A label value
 * cannot move from one series to another once counted, so the bound is "first seen", not "top by
 * tokens" as in the ledger's hours; a sidecar serves one agent, so the bound is per agent.
 */
export class UseCaseLabel {
  private readonly named = new Set<string>();

  constructor(private readonly max: number = MAX_HOUR_USE_CASES) {}

  of(useCase: string | undefined): string {
    if (useCase === undefined) return NO_USE_CASE;
    if (this.named.has(useCase)) return useCase;
    if (this.named.size >= this.max || useCase === NO_USE_CASE || useCase === OTHER_USE_CASE)
      return OTHER_USE_CASE;
    this.named.add(useCase);
    return useCase;
  }
}
