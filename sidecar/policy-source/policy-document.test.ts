import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { policyFromFile, policyFromJson } from './policy-document.js';

const root = mkdtempSync(join(tmpdir(), 'policy-document-test-'));
after(() => rmSync(root, { recursive: true, force: true }));
const agent = { namespace: 'team-a', name: 'support-bot' };
const valid = {
  apiVersion: 'governor.agents.dev/v1alpha1',
  kind: 'EffectivePolicy',
  agent,
  version: '3',
  generatedAt: '2025-03-01T10:00:00Z',
};

describe('policyFromJson', () => {
  const cases: [string, string, RegExp | undefined][] = [
    ['a valid policy', JSON.stringify(valid), undefined],
    ['not JSON', '{"version":', /^answer: the answer is not JSON/],
    [
      'an empty version',
      JSON.stringify({ ...valid, version: '' }),
      /^answer: version: .*\(not a valid EffectivePolicy\)$/,
    ],
    ['a wrong kind', JSON.stringify({ ...valid, kind: 'Policy' }), /answer: kind: /],
    [
      'another agent',
      JSON.stringify({ ...valid, agent: { namespace: 'team-b', name: 'support-bot' } }),
      /answer: agent: is team-b\/support-bot, expected team-a\/support-bot \(a policy for another agent\)/,
    ],
  ];
  for (const [name, text, error] of cases) {
    it(`reads ${name}`, () => {
      const reading = policyFromJson(text, 'answer', agent);
      if (!error) {
        assert.equal(reading.ok, true);
        return;
      }
      assert.equal(reading.ok, false);
      if (!reading.ok) assert.match(reading.message, error);
    });
  }

  it('fills the defaults of the schema', () => {
    const reading = policyFromJson(JSON.stringify(valid), 'answer', agent);
    assert.ok(reading.ok);
    if (reading.ok) assert.deepEqual(reading.policy.budgets, []);
  });
});

describe('policyFromFile', () => {
  it('reads JSON and YAML alike', async () => {
    const json = join(root, 'policy.json');
    writeFileSync(json, JSON.stringify(valid));
    const yaml = join(root, 'policy.yaml');
    writeFileSync(
      yaml,
      Object.entries(valid)
        .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
        .join('\n'),
    );
    for (const file of [json, yaml]) {
      const reading = await policyFromFile(file, agent);
      assert.ok(reading.ok, file);
      if (reading.ok) assert.equal(reading.policy.version, '3');
    }
  });

  it('names the line and field at fault', async () => {
    const file = join(root, 'bad.yaml');
    writeFileSync(
      file,
      'apiVersion: governor.agents.dev/v1alpha1\nkind: EffectivePolicy\nagent: {namespace: team-a, name: support-bot}\nversion: 3\ngeneratedAt: 2025-03-01T10:00:00Z\n',
    );
    const reading = await policyFromFile(file, agent);
    assert.equal(reading.ok, false);
    if (!reading.ok) assert.match(reading.message, /bad\.yaml:4:10: version: .*string/);
  });

  it('names a YAML syntax fault and a missing file', async () => {
    const file = join(root, 'broken.yaml');
    writeFileSync(file, 'apiVersion: [unclosed\n');
    const broken = await policyFromFile(file, agent);
    assert.equal(broken.ok, false);
    if (!broken.ok) assert.match(broken.message, /broken\.yaml:\d+:\d+: not valid YAML or JSON/);
    const missing = await policyFromFile(join(root, 'missing.yaml'), agent);
    assert.equal(missing.ok, false);
    if (!missing.ok) assert.match(missing.message, /missing\.yaml: cannot read the fallback policy: ENOENT/);
  });
});
