// What each step of the demo expected and what it observed, and the table the demo ends with. The
// demo exits 0 only when every row held. Pure.

/** held: observed what was expected; failed: observed something else; not-run: could not be tried. */
export type StepVerdict = 'held' | 'failed' | 'not-run';

export interface StepOutcome {
  step: string;
  expected: string;
  observed: string;
  verdict: StepVerdict;
}

export function held(step: string, expected: string, observed: string): StepOutcome {
  return { step, expected, observed, verdict: 'held' };
}

export function failed(step: string, expected: string, observed: string): StepOutcome {
  return { step, expected, observed, verdict: 'failed' };
}

export function notRun(step: string, expected: string, why: string): StepOutcome {
  return { step, expected, observed: `not run: ${why}`, verdict: 'not-run' };
}

/** 0 when every step held (and there was at least one), else 1. */
export function demoExitCode(outcomes: readonly StepOutcome[]): number {
  return outcomes.length > 0 && outcomes.every((o) => o.verdict === 'held') ? 0 : 1;
}

const OK_LABEL: Record<StepVerdict, string> = { held: 'yes', failed: 'NO', 'not-run': 'not run' };
const COLUMNS = ['step', 'expected', 'observed', 'ok'] as const;

export interface TableOptions {
  /** Widest a text column may be before its text wraps onto more lines. */
  maxColumnWidth?: number;
  /** ANSI colour on the ok column (a terminal only). */
  colour?: boolean;
}

/**
 * The summary as a text table: a header, a rule, and each step on as many lines as its longest
 * cell needs (long cells wrap at spaces). The last line says how many steps held.
 */
export function summaryTable(outcomes: readonly StepOutcome[], options: TableOptions = {}): string {
  const maxWidth = options.maxColumnWidth ?? 48;
  const rows = outcomes.map((o) => [o.step, o.expected, clip(o.observed), OK_LABEL[o.verdict]]);
  const wrapped = rows.map((cells) => cells.map((cell) => wrap(cell, maxWidth)));
  const widths = COLUMNS.map((name, i) =>
    Math.max(name.length, ...wrapped.flatMap((cells) => cells[i]!.map((line) => line.length))),
  );
  const render = (cells: string[], verdict?: StepVerdict) =>
    cells
      .map((cell, i) => {
        const padded = i === cells.length - 1 ? cell : cell.padEnd(widths[i]!);
        return verdict && i === cells.length - 1 && options.colour ? paint(padded, verdict) : padded;
      })
      .join('  ')
      .trimEnd();
  const lines = [render([...COLUMNS]), render(widths.map((w) => '-'.repeat(w)))];
  wrapped.forEach((cells, row) => {
    const height = Math.max(...cells.map((c) => c.length));
    for (let line = 0; line < height; line++) {
      const verdict = line === 0 ? outcomes[row]!.verdict : undefined;
      lines.push(
        render(
          cells.map((c) => c[line] ?? ''),
          verdict,
        ),
      );
    }
  });
  const heldCount = outcomes.filter((o) => o.verdict === 'held').length;
  lines.push('', `${heldCount} of ${outcomes.length} steps held`);
  return `${lines.join('\n')}\n`;
}

/**
 * Splits text into lines of at most `width` characters at spaces; a longer word gets lines of its
 * own, broken after commas where it has them, else cut at `width`.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (word.length > width) {
      if (current) lines.push(current);
      const parts = chunks(word, width);
      lines.push(...parts.slice(0, -1));
      current = parts.at(-1) ?? '';
    } else if (current && current.length + 1 + word.length > width) {
      lines.push(current);
      current = word;
    } else {
      current = current ? `${current} ${word}` : word;
    }
  }
  lines.push(current);
  return lines;
}

/** A long word in chunks of at most `width` characters, broken after commas where possible. */
function chunks(word: string, width: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const part of word.split(/(?<=,)/)) {
    for (let i = 0; i < part.length; i += width) {
      const piece = part.slice(i, i + width);
      if (current.length + piece.length > width) {
        out.push(current);
        current = piece;
      } else {
        current += piece;
      }
    }
  }
  if (current) out.push(current);
  return out;
}

/** A cell keeps its first 400 characters (a failure's whole log tail is in the narration above). */
function clip(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 400 ? `${flat.slice(0, 399)}…` : flat;
}

function paint(text: string, verdict: StepVerdict): string {
  const colour = verdict === 'held' ? '\u001b[32m' : verdict === 'failed' ? '\u001b[31m' : '\u001b[33m';
  return `${colour}${text}\u001b[0m`;
}
