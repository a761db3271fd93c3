import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { declaredFlows } from './declared-flows.js';

describe('declaredFlows', () => {
  it('reads a YAML list', () => {
    assert.deepEqual(
      declaredFlows('- name: nightly-export\n  to: s3://b/x\n  region: us-east-1\n', 'CronJob ns/x'),
      {
        flows: [{ name: 'nightly-export', to: 's3://b/x', region: 'us-east-1' }],
      },
    );
  });
  it('reads JSON and an empty annotation', () => {
    assert.equal(declaredFlows('[{"name":"a","to":"https://x.example"}]', 'w').flows.length, 1);
    assert.deepEqual(declaredFlows('  ', 'w'), { flows: [] });
  });
  const bad: Array<[string, string, RegExp]> = [
    ['not YAML', 'a: [', /Deployment ns\/w: annotation governor.agents.dev\/dataflows is not YAML/],
    ['not a list', 'name: x', /expected a list/],
    ['a field missing', '- name: x', /item 0, field to: .*expected a list of \{name, to/],
    ['an unknown field', '- name: x\n  to: y\n  destination: z', /item 0: .*destination/],
    ['a bad region', '- name: x\n  to: y\n  region: EU West', /item 0, field region: must be a region id/],
  ];
  for (const [what, text, message] of bad) {
    it(`says where and what is wrong: ${what}`, () => {
      const result = declaredFlows(text, 'Deployment ns/w');
      assert.deepEqual(result.flows, []);
      assert.match(result.problem ?? '', message);
    });
  }
});
