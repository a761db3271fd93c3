// The end of a process log, quoted in error messages so a failed start explains itself.
import { readFileSync } from 'node:fs';

export function logTail(path: string, lines = 20): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return `(no log at ${path})`;
  }
  const tail = text.trimEnd().split('\n').slice(-lines);
  return tail.length === 0 || tail[0] === ''
    ? `(${path} is empty)`
    : tail.map((line) => `  | ${line}`).join('\n');
}
