// The CRDs against the real API server: they install, the examples apply and read back as
// written (defaults aside), kubectl shows the printer columns and explains the fields, and every
// invalid manifest of the shared table is refused with an error that names the field.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { INVALID_MANIFESTS } from '../../apis/testdata/invalid-manifests.js';
import { validateResource } from '../../apis/validate.js';
import { installCrds } from '../../testing/install-crds.js';
import { clusterExampleDocuments, REPO_ROOT } from '../../testing/repo-files.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const governorExamples = clusterExampleDocuments().filter((d) =>
  String(d.object['apiVersion']).startsWith('governor.agents.dev/'),
);

describe('CRDs on the real API server', () => {
  let cluster: TestCluster;

  before(async () => {
    cluster = await testCluster();
    await installCrds(cluster);
    await cluster.kubectl(['apply', '-f', join(REPO_ROOT, 'examples', 'namespace.yaml')], { check: true });
  });

  it('become Established with the governor category', async () => {
    const { stdout } = await cluster.kubectl(['api-resources', '--categories=governor', '-o', 'name'], {
      check: true,
    });
    assert.deepEqual(stdout.trim().split('\n').sort(), [
      'agentapprovals.governor.agents.dev',
      'agentslos.governor.agents.dev',
      'approvalpolicies.governor.agents.dev',
      'dataresidencypolicies.governor.agents.dev',
      'evaluationgates.governor.agents.dev',
      'fallbackroutes.governor.agents.dev',
      'modelcatalogs.governor.agents.dev',
      'prompttemplates.governor.agents.dev',
      'retentionpolicies.governor.agents.dev',
      'tokenbudgets.governor.agents.dev',
    ]);
  });

  it('apply every example with kubectl', async () => {
    const files = [...new Set(clusterExampleDocuments().map((d) => d.file))];
    const args = ['apply', ...files.flatMap((f) => ['-f', join(REPO_ROOT, f)])];
    const { stdout } = await cluster.kubectl(args, { check: true });
    for (const { object } of clusterExampleDocuments()) {
      const name = (object['metadata'] as { name: string }).name;
      assert.match(
        stdout,
        new RegExp(`/${name} (created|configured|unchanged)`),
        `${name} not applied:\n${stdout}`,
      );
    }
  });

  for (const { file, object } of governorExamples) {
    it(`reads ${file} back unchanged, defaults aside`, async () => {
      const meta = object['metadata'] as { name: string; namespace?: string };
      const args = ['get', String(object['kind']).toLowerCase(), meta.name, '-o', 'json'];
      if (meta.namespace) args.push('-n', meta.namespace);
      const stored = JSON.parse((await cluster.kubectl(args, { check: true })).stdout);
      const expected = validateResource(object);
      assert.ok(expected.ok);
      // zod applies the same defaults the CRD declares: what the server stored must equal it.
      assert.deepEqual(stored.spec, (expected.value as { spec: unknown }).spec);
    });
  }

  it('lists all kinds with their printer columns under `kubectl get governor`', async () => {
    const { stdout } = await cluster.kubectl(['get', 'governor', '-A'], { check: true });
    for (const header of [
      /NAMESPACE\s+NAME\s+USED\s+LIMIT\s+%\s+FORECAST\s+PHASE\s+RESETS\s+AGE/,
      /NAME\s+LATENCY\s+TARGET\s+SUCCESS\s+BUDGET LEFT\s+FAST BURN\s+READY\s+AGE/,
      /NAME\s+MODE\s+JURISDICTIONS\s+VIOLATIONS\s+READY\s+AGE/,
      /NAME\s+MODEL\s+ACTIVE TARGET\s+CIRCUIT\s+READY\s+AGE/,
      /NAME\s+MODELS\s+PRICED\s+READY\s+AGE/,
    ]) {
      assert.match(stdout, header);
    }
    assert.match(stdout, /tokenbudget\.governor\.agents\.dev\/marketing-daily\s+2000000/);
    assert.match(stdout, /dataresidencypolicy\.governor\.agents\.dev\/eu-only\s+Enforce\s+\["EU","CH"\]/);
    assert.match(stdout, /fallbackroute\.governor\.agents\.dev\/gpt-4o\s+gpt-4o/);
    assert.match(stdout, /modelcatalog\.governor\.agents\.dev\/contract-prices/);
  });

  it('explains tokenbudget.spec field by field', async () => {
    const { stdout } = await cluster.kubectl(['explain', 'tokenbudget.spec'], { check: true });
    assert.match(stdout, /Token and cost budget for the selected agents/);
    assert.match(stdout, /limits\s+<Object> -required-\s+Limits per period/);
    assert.match(stdout, /thresholds\s+<\[\]Object>\s+Thresholds and their actions/);
    const deep = await cluster.kubectl(['explain', 'fallbackroute.spec.targets.provider'], { check: true });
    assert.match(deep.stdout, /ENUM:\s+OpenAI\s+Anthropic\s+AzureOpenAI\s+OpenAICompatible/);
    const compression = await cluster.kubectl(['explain', 'fallbackroute.spec.compression'], { check: true });
    assert.match(compression.stdout, /Prompt compression applied by the sidecar/);
    assert.match(compression.stdout, /summarize\s+<Object>/);
    assert.match(compression.stdout, /keepTurns\s+<integer>/);
    assert.match(compression.stdout, /steps\s+<\[\]string> -required-/);
  });

  for (const { name, field, manifest } of INVALID_MANIFESTS) {
    it(`refuses ${name}, naming ${field}`, async () => {
      const result = await cluster.kubectl(['create', '--dry-run=server', '-o', 'name', '-f', '-'], {
        input: stringify(manifest),
      });
      assert.notEqual(result.code, 0, `accepted: ${result.stdout}`);
      assert.ok(
        result.stderr.includes(`${field}:`),
        `expected the error to name ${field}:, got: ${result.stderr}`,
      );
    });
  }
});
