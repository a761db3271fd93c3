// The demo's live narration: a line per step and per thing observed, each with the time since the
// demo began, and progress values (budget %, replicas, circuit state) as they change. On a terminal
// the lines are coloured and a progress value is rewritten in place; anywhere else (a pipe, a CI
// log, the integration test) the output is plain text without ANSI escapes, and a progress value
// gets a line of its own each time it changes.

export type LineKind = 'step' | 'info' | 'ok' | 'fail' | 'progress';

const MARKS: Record<LineKind, string> = { step: '▶', info: ' ', ok: '✔', fail: '✘', progress: '…' };
const COLOURS: Record<LineKind, string> = {
  step: '\u001b[1m',
  info: '',
  ok: '\u001b[32m',
  fail: '\u001b[31m',
  progress: '\u001b[36m',
};
const DIM = '\u001b[2m';
const RESET = '\u001b[0m';
const CLEAR_LINE = '\r\u001b[2K';
/** Visible width of `[ 12.3s] … ` before a line's text. */
const PREFIX_WIDTH = 11;

/** `  7.3s`: seconds since the start, right-aligned so that the marks line up. */
export function elapsedLabel(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`.padStart(6);
}

/** One narration line, without its newline; ANSI only when `tty`. Pure. */
export function narrationLine(elapsedMs: number, kind: LineKind, text: string, tty: boolean): string {
  const time = `[${elapsedLabel(elapsedMs)}]`;
  const body = `${MARKS[kind]} ${text}`;
  if (!tty) return `${time} ${body}`;
  const colour = COLOURS[kind];
  return `${DIM}${time}${RESET} ${colour}${body}${colour ? RESET : ''}`;
}

export interface NarratorOptions {
  write: (text: string) => void;
  /** A terminal: colours, and progress rewritten in place. */
  tty: boolean;
  /** The terminal's width: a progress line rewritten in place must fit on one line. */
  columns?: number;
  now?: () => number;
}

export class Narrator {
  private readonly now: () => number;
  private readonly startedAt: number;
  /** Last value shown per progress label, so that only changes are told. */
  private readonly shown = new Map<string, string>();
  /** On a terminal: a progress line is on screen without its newline yet. */
  private openProgress = false;

  constructor(private readonly options: NarratorOptions) {
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
  }

  get tty(): boolean {
    return this.options.tty;
  }

  elapsedMs(): number {
    return this.now() - this.startedAt;
  }

  step(title: string): void {
    this.line('step', title);
  }

  info(text: string): void {
    this.line('info', text);
  }

  ok(text: string): void {
    this.line('ok', text);
  }

  fail(text: string): void {
    this.line('fail', text);
  }

  /** Indented lines as they are (kubectl output, a pod's containers). */
  block(lines: string[]): void {
    for (const text of lines) this.line('info', `    ${text}`);
  }

  /** A value that changes while the demo waits: told when it differs from the last one shown. */
  progress(label: string, value: string): void {
    if (this.shown.get(label) === value) return;
    this.shown.set(label, value);
    if (this.options.tty) {
      const room = (this.options.columns ?? 120) - PREFIX_WIDTH - 1;
      const full = `${label}: ${value}`;
      const fitted = full.length > room ? `${full.slice(0, Math.max(0, room - 1))}…` : full;
      this.options.write(`${CLEAR_LINE}${narrationLine(this.elapsedMs(), 'progress', fitted, true)}`);
      this.openProgress = true;
    } else {
      this.options.write(`${narrationLine(this.elapsedMs(), 'progress', `${label}: ${value}`, false)}\n`);
    }
  }

  /** Raw text (the summary table), after any progress line in place. */
  write(text: string): void {
    this.closeProgress();
    this.options.write(text);
  }

  private line(kind: LineKind, text: string): void {
    this.closeProgress();
    // A value is told again after other lines came between (the reader lost it from sight).
    this.shown.clear();
    this.options.write(`${narrationLine(this.elapsedMs(), kind, text, this.options.tty)}\n`);
  }

  /** The last progress value stays on screen: the next line starts below it. */
  private closeProgress(): void {
    if (!this.openProgress) return;
    this.options.write('\n');
    this.openProgress = false;
  }
}
