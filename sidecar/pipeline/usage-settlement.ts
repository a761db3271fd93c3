import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { pricedCost } from '../accounting/cost.js';
import { NO_USAGE, type TokenUsage } from '../accounting/token-usage.js';
import { estimateTokens } from '../accounting/tokenizer.js';
import type { BudgetGate, Reservation } from '../budget/budget-gate.js';
import type { RequestRecord } from '../telemetry/request-record.js';

/**
 * Closes a call's reservation with what it really cost: usage (plus the estimated usage of 2xx
 * answers nobody could read — a model ran for them) priced with the policy's prices (else the
 * built-in ones), settled; or released when the call produced nothing. Sets usage, cost, its
 * currency and whether the model had a price at all on the record.
 */
export class UsageSettlement {
  private readonly unreadable: TokenUsage;

  constructor(
    private readonly gate: BudgetGate,
    private readonly reservation: Reservation,
    private readonly policy: EffectivePolicy,
    private readonly record: RequestRecord,
    unreadableTexts: string[],
    estimatedInputTokens: number,
  ) {
    let unreadable = NO_USAGE;
    for (const text of unreadableTexts) {
      unreadable = {
        inputTokens: unreadable.inputTokens + estimatedInputTokens,
        outputTokens: unreadable.outputTokens + estimateTokens(text, record.model),
        cachedInputTokens: 0,
        estimated: true,
      };
    }
    this.unreadable = unreadable;
  }

  settle(usage: TokenUsage, model: string): void {
    const extra = this.unreadable;
    const total: TokenUsage =
      extra.inputTokens + extra.outputTokens === 0
        ? usage
        : {
            ...usage,
            inputTokens: usage.inputTokens + extra.inputTokens,
            outputTokens: usage.outputTokens + extra.outputTokens,
            estimated: true,
          };
    this.record.usage = total;
    if (total.inputTokens + total.outputTokens === 0) {
      this.gate.release(this.reservation);
      return;
    }
    const cost = pricedCost(model, total, this.policy.pricing);
    this.record.costMicros = cost.costMicros;
    if (cost.currency !== 'USD') this.record.currency = cost.currency;
    if (!cost.priced) this.record.unpriced = true;
    // Each budget prices the call again in its own currency, by its own rule.
    this.gate.settle(this.reservation, { usage: total, model });
  }
}
