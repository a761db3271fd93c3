import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ledgerName } from './ledger-name.js';

const VALID_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

describe('ledgerName', () => {
  const cases: { agent: string; name: RegExp }[] = [
    { agent: 'support', name: /^support$/ },
    { agent: 'team.support-bot', name: /^team\.support-bot$/ },
    { agent: 'Support', name: /^support-[0-9a-f]{10}$/ },
    { agent: 'support_bot', name: /^support-bot-[0-9a-f]{10}$/ },
    { agent: 'a..b', name: /^a-b-[0-9a-f]{10}$/ },
    { agent: '', name: /^agent-[0-9a-f]{10}$/ },
    { agent: 'X'.repeat(63), name: /^x{50}-[0-9a-f]{10}$/ },
  ];
  for (const c of cases) {
    it(`names the ledger of ${JSON.stringify(c.agent)} validly`, () => {
      const name = ledgerName(c.agent);
      assert.match(name, c.name);
      assert.match(name, VALID_NAME);
      assert.ok(name.length <= 253);
    });
  }

  it('never gives two agents the same ledger', () => {
    const agents = ['support', 'Support', 'SUPPORT', 'support_', 'support-', 'sup_port', 'sup.port'];
    assert.equal(new Set(agents.map(ledgerName)).size, agents.length);
  });
});
