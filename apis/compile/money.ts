/**
 * A decimal money amount (`"150"`, `"12.50"`, at most 6 decimals, as `apis/amounts.ts` allows) in
 * micro-units, computed on the digits so `"0.1"` is exactly 100000 (no float rounding).
 */
export function moneyToMicros(amount: string): number {
  const match = /^([0-9]{1,12})(?:\.([0-9]{1,6}))?$/.exec(amount);
  if (!match)
    throw new Error(`money: expected a decimal amount such as 12.50, got ${JSON.stringify(amount)}`);
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  return whole * 1_000_000 + fraction;
}
