import type { EffectiveBudget, EffectiveRoute } from '../../apis/effective-policy.js';
import type { GateRequest } from './gate-verdict.js';

/**
 * The model an admitted call is sent to: the one asked for (or the simplified call's cheaper one),
 * moved at most once to a cheaper model by the first budget that degrades it — Degrade in force, or
 * a critical agent over a budget or unpriced — and what the call is then priced as.
 */
export class ModelChoice {
  model: string;
  /** A simplified call is already on the cheaper model: Degrade does not move it again. */
  private tried: boolean;

  constructor(
    private readonly request: GateRequest,
    simplifiedModel: string | undefined,
    private readonly routes: readonly EffectiveRoute[],
    private readonly critical: boolean,
    private readonly decisions: string[],
  ) {
    this.model = simplifiedModel ?? request.model;
    this.tried = simplifiedModel !== undefined;
  }

  /** Degrades the call for `budget`, unless it was degraded (or simplified) already. */
  degrade(budget: EffectiveBudget): void {
    if (this.tried) return;
    this.tried = true;
    this.model = degradedModel(budget, this.request, this.routes, this.critical, this.decisions);
  }

  /**
   * What the call is priced as: a degraded call asks every target for the cheaper model, else the
   * first target's own model (an Azure deployment name, say) is what is called.
   */
  get called(): string {
    return this.model !== this.request.model ? this.model : (this.request.targetModel ?? this.model);
  }
}

/**
 * The model to call while `budget` degrades (pure apart from the decision appended): the budget's,
 * else the route's cheaper model; none configured: the model asked for.
 */
export function degradedModel(
  budget: EffectiveBudget,
  request: Pick<GateRequest, 'model' | 'routeDegradeModel'>,
  routes: readonly EffectiveRoute[],
  critical: boolean,
  decisions: string[],
): string {
  const cheaper =
    budget.degradeModel ??
    request.routeDegradeModel ??
    routes.find((r) => r.model === request.model)?.degradeTo?.model;
  if (cheaper === undefined) {
    decisions.push(`${critical ? 'critical:no-degrade-model' : 'degrade:no-model'}:${budget.name}`);
    return request.model;
  }
  if (cheaper !== request.model) decisions.push(`degraded:${cheaper}`);
  return cheaper;
}
