/**
 * Micro-units as a decimal money string for status (`"12.50"`, `"0.000125"`): at least two
 * decimals, at most six, no float rounding. The inverse of `moneyToMicros` (apis/compile/money.ts).
 */
export function microsToMoney(micros: number): string {
  const whole = Math.floor(micros / 1_000_000);
  const fraction = String(micros % 1_000_000)
    .padStart(6, '0')
    .replace(/0{1,4}$/, '');
  return `${whole}.${fraction}`;
}
