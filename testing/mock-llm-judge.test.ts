import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { judgeRequest } from '../cli/replay/judge-client.js';
import { mockJudgementOf } from './mock-llm-judge.js';

describe('mockJudgementOf', () => {
  it("grades replay's judge calls by the share of words in common", () => {
    const grade = (a: string, b: string) => mockJudgementOf('chat.completions', judgeRequest('m', a, b));
    assert.equal(grade('Ships on Monday.', 'ships on monday'), '1.00');
    assert.equal(grade('ships on Monday', 'ships on Tuesday'), '0.50');
    assert.equal(grade('ships on Monday', 'call support'), '0.00');
  });
  it('leaves every other call alone', () => {
    assert.equal(
      mockJudgementOf('chat.completions', { messages: [{ role: 'user', content: 'hi' }] }),
      undefined,
    );
    assert.equal(mockJudgementOf('messages', judgeRequest('m', 'a', 'b')), undefined);
  });
});
