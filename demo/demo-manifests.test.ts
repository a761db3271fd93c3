import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { validateResource } from '../apis/validate.js';
import { REPO_ROOT } from '../testing/repo-files.js';
import { DEMO } from './demo-context.js';
import { REFUSED_MANIFEST, readDemoManifests, withTargetEndpoints } from './demo-manifests.js';
import { readManifest } from './install-manifest.js';

const dir = join(REPO_ROOT, 'examples', 'demo');

describe('the demo manifests', () => {
  const objects = readDemoManifests(dir);

  it('hold the namespace first, then every kind the story needs, each valid', () => {
    assert.equal(objects[0]?.kind, 'Namespace');
    assert.equal(objects[0]?.metadata?.name, DEMO.namespace);
    const names = objects.map((o) => `${o.kind}/${o.metadata?.name}`);
    for (const expected of [
      `DataResidencyPolicy/${DEMO.residencyPolicy}`,
      `FallbackRoute/${DEMO.route}`,
      `TokenBudget/${DEMO.budget}`,
      `AgentSLO/${DEMO.slo}`,
      `Deployment/${DEMO.agents.marketing.deployment}`,
      `Deployment/${DEMO.agents.support.deployment}`,
      `CronJob/${DEMO.cronJob}`,
      `ServiceAccount/${DEMO.agents.marketing.serviceAccount}`,
      `ServiceAccount/${DEMO.agents.support.serviceAccount}`,
    ]) {
      assert.ok(names.includes(expected), `${expected} in ${names.join(', ')}`);
    }
    for (const object of objects.filter((o) => String(o.apiVersion).startsWith('governor.agents.dev/'))) {
      const result = validateResource(object);
      assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
    }
  });

  it('give the Deployments the replicas the story counts on', () => {
    const replicas = (name: string) => {
      const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === name);
      return (deployment?.['spec'] as { replicas?: number } | undefined)?.replicas;
    };
    assert.equal(replicas(DEMO.agents.marketing.deployment), DEMO.agents.marketing.replicas);
    assert.equal(replicas(DEMO.agents.support.deployment), DEMO.agents.support.replicas);
  });

  it('point the route targets at the mock providers, changing nothing else', () => {
    const rewritten = withTargetEndpoints(objects, {
      [DEMO.targets.primary]: 'http://127.0.0.1:1111/v1',
      [DEMO.targets.secondary]: 'http://127.0.0.1:2222',
    });
    const route = rewritten.find((o) => o.kind === 'FallbackRoute') as {
      spec: { targets: { name: string; endpoint: string }[] };
    };
    assert.deepEqual(
      route.spec.targets.map((t) => [t.name, t.endpoint]),
      [
        [DEMO.targets.primary, 'http://127.0.0.1:1111/v1'],
        [DEMO.targets.secondary, 'http://127.0.0.1:2222'],
      ],
    );
    const original = objects.find((o) => o.kind === 'FallbackRoute') as typeof route;
    assert.equal(
      original.spec.targets[0]?.endpoint,
      'https://eu.api.openai.com/v1',
      'the input is not changed',
    );
    assert.deepEqual(
      rewritten.filter((o) => o.kind !== 'FallbackRoute'),
      objects.filter((o) => o.kind !== 'FallbackRoute'),
    );
  });

  it('refuses to rewrite a target no route has', () => {
    assert.throws(
      () => withTargetEndpoints(objects, { 'openai-us': 'http://127.0.0.1:1/v1' }),
      /no FallbackRoute in the demo manifests has the target\(s\) openai-us/,
    );
  });

  it('keep the refused workload apart, pointing at the US endpoint in the demo namespace', () => {
    const [refused] = readManifest(join(dir, REFUSED_MANIFEST));
    assert.equal(refused?.metadata?.namespace, DEMO.namespace);
    assert.match(JSON.stringify(refused), /"OPENAI_BASE_URL","value":"https:\/\/api\.openai\.com\/v1"/);
    assert.ok(!objects.some((o) => o.metadata?.name === refused?.metadata?.name));
  });
});
