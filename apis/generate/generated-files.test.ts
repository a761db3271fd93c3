import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { generatedFiles } from './generated-files.js';

describe('generated CRDs', () => {
  const files = generatedFiles();

  for (const [relative, content] of files) {
    it(`${relative} is up to date (run \`npm run generate\` when this fails)`, () => {
      let onDisk = '';
      try {
        onDisk = readFileSync(join(REPO_ROOT, relative), 'utf8');
      } catch {
        assert.fail(`${relative} is missing`);
      }
      assert.ok(onDisk === content, `${relative} differs from what apis/ generates`);
    });
  }

  it('gives every policy kind the governor category, short names, a status subresource and printer columns', () => {
    for (const [relative, content] of files) {
      if (!relative.startsWith('crds/')) continue;
      const crd = parse(content);
      if (crd.spec.names.kind === 'AgentUsageLedger') continue;
      assert.deepEqual(crd.spec.names.categories, ['governor'], relative);
      assert.ok(crd.spec.names.shortNames.length > 0, relative);
      // An approval is a record, immutable once admitted: nothing to report in a status.
      if (crd.spec.names.kind === 'AgentApproval') continue;
      const version = crd.spec.versions[0];
      assert.deepEqual(version.subresources, { status: {} }, relative);
      assert.ok(
        version.additionalPrinterColumns.some((c: { name: string }) => c.name === 'Ready'),
        relative,
      );
    }
  });

  it('keeps the usage ledger out of `kubectl get governor`: no category, no status subresource', () => {
    const crd = parse(files.get('crds/governor.agents.dev_agentusageledgers.yaml') ?? '');
    assert.equal(crd.spec.names.kind, 'AgentUsageLedger');
    assert.equal(crd.spec.names.categories, undefined);
    assert.equal(crd.spec.versions[0].subresources, undefined);
    assert.equal(crd.spec.scope, 'Namespaced');
  });
});
