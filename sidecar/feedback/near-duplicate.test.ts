import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isNearDuplicate, jaccard, normaliseQuestion, questionOf } from './near-duplicate.js';

describe('normaliseQuestion', () => {
  const cases: [string, string][] = [
    ["What's  the ETA?", 'what s the eta'],
    ['  Où est ma COMMANDE ?!\n', 'ou est ma commande'],
    ['order #42, please', 'order 42 please'],
    ['???', ''],
  ];
  for (const [text, expected] of cases) {
    it(`${JSON.stringify(text)} → ${JSON.stringify(expected)}`, () => {
      assert.equal(normaliseQuestion(text), expected);
    });
  }
});

describe('jaccard', () => {
  const set = (s: string) => questionOf(s).words;
  const cases: [string, string, number][] = [
    ['a b c', 'a b c', 1],
    ['a b c d', 'a b c e', 3 / 5],
    ['a b', 'c d', 0],
    ['a a b', 'b a', 1],
    ['', '', 0],
    ['a', '', 0],
  ];
  for (const [a, b, expected] of cases) {
    it(`{${a}} vs {${b}} = ${expected}`, () => {
      assert.equal(jaccard(set(a), set(b)), expected);
      assert.equal(jaccard(set(b), set(a)), expected);
    });
  }
});

describe('isNearDuplicate', () => {
  const cases: { a: string; b: string; similarity?: number; expected: boolean; why: string }[] = [
    { a: 'Where is my order?', b: 'where is my order', expected: true, why: 'same once normalised' },
    {
      a: 'Where is my order 1234?',
      b: 'Where is my order 1234 now?',
      expected: true,
      why: '5/6 words alike',
    },
    {
      a: 'Where is my order 1234?',
      b: 'Where is my order 1234 now?',
      similarity: 0.9,
      expected: false,
      why: 'below a stricter similarity',
    },
    { a: 'Where is my order?', b: 'Cancel my subscription', expected: false, why: 'another question' },
    { a: 'my order where is', b: 'where is my order', expected: true, why: 'word order does not matter' },
    { a: 'yes', b: 'yes', expected: false, why: 'one word never counts' },
    { a: 'continue', b: 'Continue!', expected: false, why: 'one word never counts, even identical' },
    { a: '', b: '', expected: false, why: 'empty messages' },
    { a: 'refund policy', b: 'refund policy', expected: true, why: 'two words identical' },
  ];
  for (const { a, b, similarity, expected, why } of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}: ${expected} (${why})`, () => {
      assert.equal(isNearDuplicate(questionOf(a), questionOf(b), similarity), expected);
      assert.equal(isNearDuplicate(questionOf(b), questionOf(a), similarity), expected);
    });
  }
});
