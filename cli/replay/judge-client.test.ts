import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JUDGE_INSTRUCTIONS, judgeRequest, judgeScore } from './judge-client.js';

describe('judge', () => {
  it('asks for one number, deterministically, with both answers fenced', () => {
    assert.deepEqual(judgeRequest('gpt-4o-mini', 'Ships Monday.', 'Ships Tuesday.'), {
      model: 'gpt-4o-mini',
      temperature: 0,
      max_tokens: 10,
      messages: [
        { role: 'system', content: JUDGE_INSTRUCTIONS },
        {
          role: 'user',
          content: 'Reference answer:\n<<<\nShips Monday.\n>>>\nCandidate answer:\n<<<\nShips Tuesday.\n>>>',
        },
      ],
    });
  });
  const grades: [string, number | undefined][] = [
    ['0.85', 0.85],
    ['Score: 1', 1],
    ['0', 0],
    ['I would say 0.4 because…', 0.4],
    ['7', undefined],
    ['-0.2', undefined],
    ['very similar', undefined],
  ];
  for (const [answer, score] of grades)
    it(`reads ${JSON.stringify(answer)} as ${score}`, () => assert.equal(judgeScore(answer), score));
});
