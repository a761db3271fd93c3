/**
 * With `stream_options.include_usage` set, OpenAI adds `"usage":null` to every chunk before the
 * usage chunk. When the sidecar set the option, it removes that member again so the client sees the
 * chunk exactly as it would have: the text is edited in place (not re-serialized), so every other
 * byte — key order, number formatting, escapes — stays what the provider sent.
 */

const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * `json` (an object) without its top-level `"usage": null` member, or undefined when it has none.
 * Nested objects and string contents are never touched.
 */
export function withoutTopLevelNullUsage(json: string): string | undefined {
  let depth = 0;
  let i = 0;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') {
      const end = stringEnd(json, i);
      if (depth === 1 && json.slice(i, end) === '"usage"') {
        const member = nullMemberEnd(json, end);
        if (member !== undefined) return removeMember(json, i, member);
      }
      i = end;
      continue;
    }
    if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    i++;
  }
  return undefined;
}

/** Index just past the closing quote of the string starting at `start`. */
function stringEnd(json: string, start: number): number {
  let i = start + 1;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '\\') i += 2;
    else if (ch === '"') return i + 1;
    else i++;
  }
  return json.length;
}

function skipWs(json: string, i: number): number {
  while (i < json.length && WS.has(json[i] as string)) i++;
  return i;
}

/** When the key ending at `afterKey` is followed by `: null`, the index just past `null`. */
function nullMemberEnd(json: string, afterKey: number): number | undefined {
  let i = skipWs(json, afterKey);
  if (json[i] !== ':') return undefined;
  i = skipWs(json, i + 1);
  if (json.slice(i, i + 4) !== 'null') return undefined;
  return i + 4;
}

/** Remove the member [start, end) with the comma that joins it to its neighbour. */
function removeMember(json: string, start: number, end: number): string {
  let before = start - 1;
  while (before >= 0 && WS.has(json[before] as string)) before--;
  if (json[before] === ',') return json.slice(0, before) + json.slice(end);
  const after = skipWs(json, end);
  if (json[after] === ',') return json.slice(0, start) + json.slice(skipWs(json, after + 1));
  return json.slice(0, start) + json.slice(end);
}
