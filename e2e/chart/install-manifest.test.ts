// deploy/install.yaml is the chart rendered with its defaults: this fails when the chart (or the
// CRDs it renders) changed and `npm run generate:install` was not run. Its order is what
// `kubectl apply -f` needs: the Namespace, then the CRDs, then everything else.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { manifestObjects } from '../../tools/chart-rendering.js';
import { INSTALL_MANIFEST, INSTALL_NAMESPACE, installManifest } from '../../tools/install-manifest.js';

describe('deploy/install.yaml', () => {
  it('is up to date with the chart (run `npm run generate:install` when this fails)', async () => {
    let onDisk = '';
    try {
      onDisk = readFileSync(INSTALL_MANIFEST, 'utf8');
    } catch {
      assert.fail(`${INSTALL_MANIFEST} is missing: run \`npm run generate:install\``);
    }
    assert.ok(
      onDisk === (await installManifest()),
      'deploy/install.yaml differs from the chart: run `npm run generate:install`',
    );
  });

  it('applies in order: the Namespace, the CRDs, then the operator in that namespace', () => {
    const objects = manifestObjects(readFileSync(INSTALL_MANIFEST, 'utf8'));
    const kinds = objects.map((o) => o['kind'] as string);
    assert.equal(kinds[0], 'Namespace');
    assert.equal(objects[0]?.['metadata'].name, INSTALL_NAMESPACE);
    const lastCrd = kinds.lastIndexOf('CustomResourceDefinition');
    assert.deepEqual(kinds.slice(1, lastCrd + 1), new Array(lastCrd).fill('CustomResourceDefinition'));
    assert.ok(kinds.includes('Deployment') && kinds.includes('ClusterRole'));
    for (const o of objects.slice(lastCrd + 1)) {
      if (o['metadata'].namespace !== undefined) assert.equal(o['metadata'].namespace, INSTALL_NAMESPACE);
    }
  });
});
