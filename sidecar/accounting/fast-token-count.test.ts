import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fastTokenCount } from './fast-token-count.js';

describe('fastTokenCount', () => {
  const cases: [string, number][] = [
    ['', 0],
    ['Hi', 1],
    ['hello', 2],
    ['hello world', 2 + 2],
    ['camelCase', 2 + 1],
    ['123456', 2],
    ['pi is 3', 1 + 1 + 1 + 1],
    ['a, b.', 1 + 1 + 1 + 1],
    ['line\n    indented', 1 + 1 + 2],
    ['東京', 4],
    ['Grüße', 3],
    ['👍', 3],
  ];
  for (const [text, tokens] of cases)
    it(JSON.stringify(text), () => assert.equal(fastTokenCount(text), tokens));
});
