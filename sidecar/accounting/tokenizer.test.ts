import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodingForModel } from './tokenizer.js';

describe('encodingForModel', () => {
  const cases: [string, string][] = [
    ['gpt-4o', 'o200k_base'],
    ['gpt-4o-mini-2024-07-18', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'],
    ['gpt-4.1', 'o200k_base'],
    ['gpt-4.5-preview', 'o200k_base'],
    ['gpt-5-nano', 'o200k_base'],
    ['o1', 'o200k_base'],
    ['o3-mini', 'o200k_base'],
    ['o4-mini-2025-04-16', 'o200k_base'],
    ['gpt-4', 'cl100k_base'],
    ['gpt-4-0613', 'cl100k_base'],
    ['gpt-4-turbo', 'cl100k_base'],
    ['azure/gpt-4-32k', 'cl100k_base'],
    ['gpt-3.5-turbo-0125', 'cl100k_base'],
    ['text-embedding-3-small', 'cl100k_base'],
    ['claude-sonnet-4-5', 'o200k_base'],
    ['some-local-model', 'o200k_base'],
  ];
  for (const [model, encoding] of cases) {
    it(`${model} → ${encoding}`, () => assert.equal(encodingForModel(model), encoding));
  }
});
