import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { demoExitCode, failed, held, notRun, summaryTable, wrap } from './summary-table.js';

describe('summary table', () => {
  it('exits 0 only when every step held', () => {
    const ok = held('budget 50 %', 'Warning', '51 % Warning');
    const cases = [
      { outcomes: [ok, ok], code: 0 },
      { outcomes: [ok, failed('outage', 'circuit opens', 'circuit Closed')], code: 1 },
      { outcomes: [ok, notRun('residency', 'refused', 'no webhooks')], code: 1 },
      { outcomes: [], code: 1 },
    ];
    for (const { outcomes, code } of cases) assert.equal(demoExitCode(outcomes), code);
  });

  it('has a row per step with its verdict and counts what held', () => {
    const table = summaryTable([
      held('control plane', 'ready', 'ready in 8.1 s'),
      failed('outage', 'circuit opens', 'circuit Closed'),
      notRun('residency', 'refused at admission', 'no webhooks'),
    ]);
    const lines = table.trimEnd().split('\n');
    assert.match(lines[0]!, /^step\s+expected\s+observed\s+ok$/);
    assert.match(lines[1]!, /^-+ {2}-+ {2}-+ {2}-+$/);
    assert.match(lines[2]!, /^control plane\s+ready\s+ready in 8\.1 s\s+yes$/);
    assert.match(lines[3]!, /^outage\s+circuit opens\s+circuit Closed\s+NO$/);
    assert.match(lines[4]!, /^residency\s+refused at admission\s+not run: no webhooks\s+not run$/);
    assert.equal(lines.at(-1), '1 of 3 steps held');
    assert.ok(!table.includes('\u001b'), 'no ANSI unless asked');
  });

  it('wraps long cells onto more lines, keeping the columns aligned', () => {
    const long = 'marketing-agent 0 replicas, CronJob suspend=true, call 429 budget_exhausted';
    const table = summaryTable([held('budget 100 %', 'Exhausted', long)], { maxColumnWidth: 30 });
    const rows = table.split('\n').slice(2, -3);
    assert.ok(rows.length >= 3, table);
    const column = rows[0]!.indexOf('marketing-agent');
    for (const row of rows.slice(1)) assert.equal(row.search(/\S/), column, `aligned: ${row}`);
    assert.match(rows[0]!, /yes$/);
  });

  it('colours only the ok column when asked', () => {
    const table = summaryTable([held('a', 'b', 'c')], { colour: true });
    assert.ok(table.includes('\u001b[32myes'));
  });

  for (const [text, width, lines] of [
    ['short', 10, ['short']],
    ['one two three four', 9, ['one two', 'three', 'four']],
    [
      'passed over: a:ConnectionError,b:CircuitOpen',
      20,
      ['passed over:', 'a:ConnectionError,', 'b:CircuitOpen'],
    ],
    ['abcdefghijkl', 5, ['abcde', 'fghij', 'kl']],
  ] as const) {
    it(`wraps "${text}" at ${width}`, () => {
      const wrapped = wrap(text, width);
      assert.deepEqual(wrapped, lines);
      for (const line of wrapped) assert.ok(line.length <= width);
    });
  }
});
