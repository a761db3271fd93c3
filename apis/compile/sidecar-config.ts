import { currentPeriod } from '../budget-period.js';
import type { EffectivePolicy } from '../effective-policy.js';
import { API_VERSION } from '../group-version.js';
import { parseRate } from '../pricing/exchange-rates.js';
import type { SidecarConfig } from '../sidecar-config.js';
import { compileBudget } from './budget.js';
import { moneyToMicros } from './money.js';
import { compilePromptTemplates } from './prompt-template.js';
import { compileReasoning } from './reasoning.js';
import { compileResidency } from './residency.js';
import { compileRoute } from './route.js';

export interface SidecarConfigContext {
  /** Version of the policy, e.g. a hash of the file. */
  version: string;
  now: Date;
  /** End of the budget period that contains `now` (default: `currentPeriod` of `apis/budget-period.ts`). */
  periodEnd?: (period: SidecarConfig['budgets'][number]['period'], now: Date) => Date;
}

/**
 * The standalone file → the EffectivePolicy the sidecar enforces, through the same translators the
 * operator uses for the CRDs. Budgets start with no usage: a standalone sidecar counts its own.
 */
export function compileSidecarConfig(config: SidecarConfig, context: SidecarConfigContext): EffectivePolicy {
  const critical = config.agent.critical;
  const policy: EffectivePolicy = {
    apiVersion: API_VERSION,
    kind: 'EffectivePolicy',
    agent: { namespace: config.agent.namespace, name: config.agent.name, critical },
    version: context.version,
    generatedAt: context.now.toISOString(),
    budgets: config.budgets.map((b) =>
      compileBudget(b.name, b, {
        usedTokens: 0,
        usedCostMicros: 0,
        critical,
        periodEnd: (context.periodEnd ?? ((p, now) => currentPeriod(p, now).end))(b.period, context.now),
      }),
    ),
    reasoning: compileReasoning([config.reasoning]),
    routes: config.routes.map((r) =>
      compileRoute(r.name ?? r.model, r, (target) => {
        const t = r.targets.find((candidate) => candidate.name === target.name);
        if (t?.apiKey !== undefined) return { apiKey: t.apiKey };
        if (t?.apiKeyFile !== undefined) return { file: t.apiKeyFile };
        if (t?.apiKeyEnv !== undefined) return { env: t.apiKeyEnv };
        return undefined;
      }),
    ),
    slos: [],
    pricing: Object.fromEntries(
      Object.entries(config.pricing).map(([model, p]) => [
        model,
        {
          inputPerMTok: moneyToMicros(p.input),
          outputPerMTok: moneyToMicros(p.output),
          ...(p.cachedInput !== undefined ? { cachedInputPerMTok: moneyToMicros(p.cachedInput) } : {}),
          ...(p.cacheWrite !== undefined ? { cacheWritePerMTok: moneyToMicros(p.cacheWrite) } : {}),
          ...(p.batchPercent !== undefined ? { batchPercent: p.batchPercent } : {}),
          currency: p.currency,
        },
      ]),
    ),
    exchangeRates: (config.exchangeRates ?? []).map((r) => ({
      from: r.from,
      to: r.to,
      rate: parseRate(r.rate),
      asOf: r.asOf,
    })),
    outputLimits: Object.fromEntries(
      Object.entries(config.pricing).flatMap(([model, p]) =>
        p.maxOutputTokens !== undefined ? [[model, p.maxOutputTokens]] : [],
      ),
    ),
    logging: { prompts: config.logging.prompts },
  };
  const residency = compileResidency(config.residency.map((p) => ({ name: p.name, spec: p })));
  if (residency) policy.residency = residency;
  if (config.promptTemplates.length > 0) {
    policy.promptTemplates = compilePromptTemplates(
      config.promptTemplates.map((t) => ({ name: t.name, spec: t })),
    );
  }
  return policy;
}
