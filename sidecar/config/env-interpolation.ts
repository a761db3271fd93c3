/** Environment variables a config file may read; `process.env` by default. */
export type ConfigEnv = Readonly<Record<string, string | undefined>>;

export type Interpolation = { ok: true; value: string } | { ok: false; message: string };

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in one config value. `${VAR:-default}` uses the default
 * when VAR is unset or empty (as the shell does); `${VAR}` with VAR unset is an error naming it;
 * `$${` writes a literal `${`. Pure: the caller says where the value is when reporting.
 */
export function interpolateEnv(text: string, env: ConfigEnv): Interpolation {
  if (!text.includes('$')) return { ok: true, value: text };
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar === -1) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    if (text.startsWith('$${', dollar)) {
      out += '${';
      i = dollar + 3;
      continue;
    }
    if (text[dollar + 1] !== '{') {
      out += '$';
      i = dollar + 1;
      continue;
    }
    const close = text.indexOf('}', dollar + 2);
    if (close === -1) {
      return {
        ok: false,
        message: `unterminated \${ at "${text.slice(dollar, dollar + 20)}": add the closing }`,
      };
    }
    const inner = text.slice(dollar + 2, close);
    const split = inner.indexOf(':-');
    const name = split === -1 ? inner : inner.slice(0, split);
    if (!NAME.test(name)) {
      return {
        ok: false,
        message: `\${${inner}} is not a variable reference: expected \${NAME} or \${NAME:-default}`,
      };
    }
    const value = env[name];
    if (split === -1) {
      if (value === undefined) {
        return {
          ok: false,
          message: `environment variable ${name} is not set (write \${${name}:-default} to give a default)`,
        };
      }
      out += value;
    } else {
      out += value === undefined || value === '' ? inner.slice(split + 2) : value;
    }
    i = close + 1;
  }
  return { ok: true, value: out };
}
