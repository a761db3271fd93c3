/** One fault in a config file: where it is and what is wrong, as a person fixes it. */
export interface ConfigProblem {
  line?: number;
  column?: number;
  /** Dotted path of the field at fault, e.g. `routes[0].targets[1].endpoint`. */
  field?: string;
  message: string;
}

/**
 * A config file that cannot be used. The message has one `file:line:column: field: problem` line
 * per fault, so start-up errors and reload errors point at the place to fix.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
  }
}

export function formatProblem(file: string, p: ConfigProblem): string {
  const place =
    p.line === undefined ? file : `${file}:${p.line}${p.column === undefined ? '' : `:${p.column}`}`;
  return `${place}: ${p.field ? `${p.field}: ` : ''}${p.message}`;
}
