import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileReasoning } from './reasoning.js';

describe('compileReasoning', () => {
  it('is empty without budgets', () => assert.deepEqual(compileReasoning([undefined]), { useCases: {} }));

  it('maps use cases by name and keeps the tightest limit of several budgets', () => {
    const reasoning = compileReasoning([
      {
        maxTokensPerRequest: 4096,
        maxCallsPerTrace: 25,
        useCases: [{ name: 'summarize', maxTokensPerRequest: 1024 }],
      },
      {
        maxTokensPerRequest: 8192,
        maxChainDepth: 3,
        useCases: [{ name: 'summarize', maxTokensPerRequest: 512, maxCallsPerTrace: 5 }],
      },
    ]);
    assert.deepEqual(reasoning, {
      maxTokensPerRequest: 4096,
      maxCallsPerTrace: 25,
      maxChainDepth: 3,
      useCases: { summarize: { maxTokensPerRequest: 512, maxCallsPerTrace: 5 } },
    });
  });

  it('lets an explicit Refuse win over Simplify, and keeps the first model with the smaller cap', () => {
    const reasoning = compileReasoning([
      {
        maxCallsPerTrace: 10,
        onExceeded: 'Simplify',
        simplify: { model: 'gpt-4o-mini', maxTokens: 512 },
        useCases: [{ name: 'draft', onExceeded: 'Refuse' }],
      },
      {
        maxCallsPerTrace: 20,
        onExceeded: 'Simplify',
        simplify: { model: 'claude-haiku', maxTokens: 256 },
        useCases: [{ name: 'draft', onExceeded: 'Simplify', simplify: { model: 'gpt-4o-mini' } }],
      },
      { maxChainDepth: 2 },
    ]);
    assert.deepEqual(reasoning, {
      maxCallsPerTrace: 10,
      maxChainDepth: 2,
      onExceeded: 'Simplify',
      simplify: { model: 'gpt-4o-mini', maxTokens: 256 },
      useCases: { draft: { onExceeded: 'Refuse' } },
    });
  });
});
