/**
 * The settings a configuration file holds, read without knowing its format: `key: value` (YAML, at
 * any depth, list items too), `key = value` and `KEY=value` (TOML, INI, Java properties, .env with or
 * without `export`), `"key": "value"` (JSON, pretty or on one line) and `<key>value</key>` (XML).
 * Enough to find an endpoint setting (`base_url: https://…`, `OPENAI_BASE_URL=…`,
 * `"endpoint": "…"`) in a mounted ConfigMap, which is all residency asks of it; not a parser of any
 * of these formats. Linear in the size of the content. Pure.
 */

export interface FileSetting {
  key: string;
  value: string;
}

const COMMENT_LINE = /^\s*(?:#|;|\/\/)/;
/** `key: value`, `- key: value`, `export KEY=value`, `"key" = value`. */
const LINE_SETTING = /^\s*(?:-\s+)?(?:export\s+)?(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\1\s*[:=]\s*(.*)$/;
const JSON_PAIR = /"([A-Za-z_][A-Za-z0-9_.-]*)"\s*:\s*"((?:[^"\\]|\\.){0,4096})"/g;
const XML_ELEMENT = /<([A-Za-z_][A-Za-z0-9_.-]*)>([^<]{1,4096})<\/\1>/g;
/** Values that open a block rather than hold a setting. */
const NO_VALUE = new Set(['', '|', '>', '|-', '>-', '{', '[', '{}', '[]', 'null', '~']);

/** Every key with a value on the same line (or in the same JSON pair / XML element), in order, each once. */
export function fileSettings(content: string): FileSetting[] {
  const found: FileSetting[] = [];
  const seen = new Set<string>();
  const note = (key: string, value: string) => {
    const id = `${key}\n${value}`;
    if (NO_VALUE.has(value) || seen.has(id)) return;
    seen.add(id);
    found.push({ key, value });
  };
  for (const line of content.split(/\r?\n/)) {
    if (COMMENT_LINE.test(line)) continue;
    const match = LINE_SETTING.exec(line);
    if (match) note(match[2] as string, settingValue(match[3] as string));
  }
  if (content.includes('"')) {
    for (const match of content.matchAll(JSON_PAIR))
      note(match[1] as string, unescapeJson(match[2] as string));
  }
  if (content.includes('</')) {
    for (const match of content.matchAll(XML_ELEMENT)) note(match[1] as string, (match[2] as string).trim());
  }
  return found;
}

/** The content without its whole-line comments (`#`, `;`, `//`): a commented-out URL is not used. */
export function withoutCommentLines(content: string): string {
  if (!/^\s*(?:#|;|\/\/)/m.test(content)) return content;
  return content
    .split(/\r?\n/)
    .filter((line) => !COMMENT_LINE.test(line))
    .join('\n');
}

/**
 * The value of one `key: value` line: a quoted value up to its closing quote; otherwise up to an
 * inline comment (` #`) and without a trailing comma (a JSON line).
 */
function settingValue(raw: string): string {
  const text = raw.trim();
  const quote = text[0];
  if (quote === '"' || quote === "'") {
    const end = text.indexOf(quote, 1);
    return end === -1 ? text.slice(1) : text.slice(1, end);
  }
  const comment = text.search(/\s#/);
  return (comment === -1 ? text : text.slice(0, comment)).replace(/,$/, '').trim();
}

function unescapeJson(value: string): string {
  if (!value.includes('\\')) return value;
  try {
    return JSON.parse(`"${value}"`) as string;
  } catch {
    return value;
  }
}
