import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compilePatterns, ibanValid, luhnValid, redact, redactJson } from './redact.js';

describe('redact', () => {
  const cases: [string, string, string][] = [
    ['email', 'write to jane.doe+x@example.co.uk today', 'write to [email] today'],
    ['card, spaced', 'card 4111 1111 1111 1111 ok', 'card [card] ok'],
    ['card, dashed', 'card 5500-0000-0000-0004.', 'card [card].'],
    ['card, bare', 'pay 4242424242424242 now', 'pay [card] now'],
    [
      '16 digits failing Luhn are no card (and too long for a phone)',
      'order 4111111111111112',
      'order 4111111111111112',
    ],
    ['IBAN, grouped', 'IBAN DE89 3704 0044 0532 0130 00 thanks', 'IBAN [iban] thanks'],
    ['IBAN, compact', 'GB82WEST12345698765432', '[iban]'],
    ['IBAN failing mod-97 is kept', 'GB82WEST12345698765433', 'GB82WEST12345698765433'],
    ['phone, international', 'call +44 20 7946 0958 please', 'call [phone] please'],
    ['phone, national', 'call (555) 123-4567', 'call [phone]'],
    ['short numbers are kept', 'I have 3 cats and 12345 files', 'I have 3 cats and 12345 files'],
    ['several at once', 'a@b.io and b@c.io', '[email] and [email]'],
  ];
  for (const [name, input, expected] of cases) it(name, () => assert.equal(redact(input), expected));

  it('applies the team patterns after the built-in ones', () => {
    const extra = compilePatterns(['EMP-\\d{6}'], 'capture.redact');
    assert.equal(redact('employee EMP-123456 at x@y.com', extra), 'employee [redacted] at [email]');
  });

  it('names the field and index of a pattern that does not compile', () => {
    assert.throws(
      () => compilePatterns(['ok', '(['], 'capture.redact'),
      /capture\.redact\[1\]: "\(\[" is not a valid/,
    );
  });

  it('checks Luhn and mod-97', () => {
    assert.equal(luhnValid('4111111111111111'), true);
    assert.equal(luhnValid('4111111111111112'), false);
    assert.equal(ibanValid('DE89370400440532013000'), true);
    assert.equal(ibanValid('DE88370400440532013000'), false);
  });
});

describe('redactJson', () => {
  it('redacts every string of a body and keeps its keys, numbers and shape', () => {
    const body = {
      model: 'gpt-4o',
      'a@b.io': 1,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'mail a@b.io' }] }],
      max_tokens: 50,
      stream: false,
      stop: null,
    };
    assert.deepEqual(redactJson(body), {
      model: 'gpt-4o',
      'a@b.io': 1,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'mail [email]' }] }],
      max_tokens: 50,
      stream: false,
      stop: null,
    });
  });
});
