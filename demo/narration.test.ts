import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { elapsedLabel, Narrator, narrationLine } from './narration.js';

const ESC = '\u001b';

function narrator(tty: boolean) {
  const written: string[] = [];
  let now = 1_000;
  const n = new Narrator({ write: (t) => written.push(t), tty, now: () => now });
  return { n, written, advance: (ms: number) => (now += ms), text: () => written.join('') };
}

describe('narration', () => {
  for (const [ms, label] of [
    [0, '  0.0s'],
    [7_349, '  7.3s'],
    [61_000, ' 61.0s'],
    [123_456, '123.5s'],
    [-5, '  0.0s'],
  ] as const) {
    it(`shows ${ms} ms as "${label}"`, () => assert.equal(elapsedLabel(ms), label));
  }

  it('writes plain text without ANSI escapes when not on a terminal', () => {
    for (const kind of ['step', 'info', 'ok', 'fail', 'progress'] as const) {
      const line = narrationLine(2_500, kind, 'budget 50 %', false);
      assert.ok(!line.includes(ESC), `${kind}: ${JSON.stringify(line)}`);
      assert.match(line, /^\[ {2}2\.5s\] . budget 50 %$/);
    }
  });

  it('colours the lines on a terminal', () => {
    assert.ok(narrationLine(0, 'ok', 'held', true).includes(`${ESC}[32m`));
    assert.ok(narrationLine(0, 'fail', 'not held', true).includes(`${ESC}[31m`));
  });

  it('puts the time since the start on every line', () => {
    const { n, advance, text } = narrator(false);
    n.step('Start the control plane');
    advance(8_200);
    n.ok('control plane ready');
    assert.equal(text(), '[  0.0s] ▶ Start the control plane\n[  8.2s] ✔ control plane ready\n');
  });

  it('tells a progress value only when it changes, each on its own line without a terminal', () => {
    const { n, text } = narrator(false);
    for (const value of ['10 %', '10 %', '25 %', '25 %', '51 % Warning']) n.progress('budget', value);
    assert.equal(
      text(),
      '[  0.0s] … budget: 10 %\n[  0.0s] … budget: 25 %\n[  0.0s] … budget: 51 % Warning\n',
    );
  });

  it('tells a value again once other lines came between', () => {
    const { n, text } = narrator(false);
    n.progress('circuit', 'Open');
    n.info('openai-eu is back');
    n.progress('circuit', 'Open');
    assert.equal(
      text()
        .split('\n')
        .filter((l) => l.includes('circuit: Open')).length,
      2,
    );
  });

  it('rewrites a progress value in place on a terminal and ends it before the next line', () => {
    const { n, written } = narrator(true);
    n.progress('budget', '10 %');
    n.progress('budget', '25 %');
    n.ok('budget 50 %');
    assert.ok(written[0]!.startsWith(`\r${ESC}[2K`), 'the line is cleared and rewritten');
    assert.ok(!written[0]!.endsWith('\n'));
    assert.ok(written[1]!.startsWith(`\r${ESC}[2K`) && written[1]!.includes('25 %'));
    assert.equal(written[2], '\n', 'the last value stays on screen');
    assert.ok(written[3]!.includes('budget 50 %'));
  });

  it('keeps a progress line rewritten in place within the terminal width', () => {
    const written: string[] = [];
    const n = new Narrator({ write: (t) => written.push(t), tty: true, columns: 40, now: () => 0 });
    n.progress('traffic', 'marketing 200 gpt-4o-mini via openai-eu, support 200 gpt-4o-mini via openai-eu');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the ANSI escapes are what is removed.
    const visible = written[0]!.replace(/\u001b\[[0-9;]*[A-Za-z]|\r/g, '');
    assert.ok(visible.length <= 39, `${visible.length}: ${visible}`);
    assert.ok(visible.endsWith('…'));
  });
});
