import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { discoverAgents } from '../../agents/agent-discovery.js';
import { type DataResidencyPolicy, dataResidencyPolicy } from '../../apis/data-residency-policy.js';
import type { FallbackRoute } from '../../apis/fallback-route.js';
import { auditResidency } from '../../controllers/data-residency/residency-audit.js';
import { residencyPoliciesFor } from '../../residency/residency-scope.js';
import type { AdmissionVerdict } from '../admission/admission-review.js';
import { inMemoryClusterView } from '../testdata/in-memory-cluster-view.js';
import { residencyValidationHandler } from './residency-validation-handler.js';
import { AUDIT_ANNOTATION } from './residency-verdict.js';
import { EU_ONLY, IN_EU_NAMESPACE, US_OPENAI } from './testdata/cases-workload-kinds.js';
import {
  admissionRequestOf,
  agentEnv,
  container,
  type ResidencyCase,
  workload,
} from './testdata/residency-case.js';
import { clusterObjectsOf, RESIDENCY_CASES } from './testdata/residency-cases.js';

async function judge(row: ResidencyCase): Promise<AdmissionVerdict> {
  return residencyValidationHandler(inMemoryClusterView(clusterObjectsOf(row))).handle(
    admissionRequestOf(row),
  );
}

function check(row: ResidencyCase, verdict: AdmissionVerdict): void {
  const shown = JSON.stringify(verdict, null, 2);
  const text = (found: string) => {
    for (const part of row.mentions ?? [])
      assert.ok(found.includes(part), `expected ${JSON.stringify(part)} in:\n${found}`);
  };
  switch (row.expect) {
    case 'allowed':
      assert.deepEqual(verdict, { allowed: true }, shown);
      break;
    case 'denied':
      assert.equal(verdict.allowed, false, shown);
      if (verdict.allowed) return;
      assert.equal(verdict.code, 403);
      assert.equal(verdict.reason, 'Forbidden');
      text(verdict.message);
      break;
    case 'warned':
      assert.equal(verdict.allowed, true, shown);
      if (!verdict.allowed) return;
      assert.ok((verdict.warnings ?? []).length > 0, shown);
      assert.equal(verdict.auditAnnotations, undefined, shown);
      text((verdict.warnings ?? []).join('\n'));
      break;
    case 'audited':
      assert.equal(verdict.allowed, true, shown);
      if (!verdict.allowed) return;
      assert.equal(verdict.warnings, undefined, shown);
      text(verdict.auditAnnotations?.[AUDIT_ANNOTATION] ?? '');
      break;
  }
}

describe('residency table', () => {
  it('has at least 40 rows, with legitimate ones of every kind', () => {
    assert.ok(RESIDENCY_CASES.length >= 40, `${RESIDENCY_CASES.length} rows`);
    assert.equal(
      new Set(RESIDENCY_CASES.map((r) => r.name)).size,
      RESIDENCY_CASES.length,
      'row names are unique',
    );
    for (const expect of ['allowed', 'denied', 'warned', 'audited'] as const) {
      assert.ok(
        RESIDENCY_CASES.some((r) => r.expect === expect),
        `a row expecting ${expect}`,
      );
    }
  });
  for (const row of RESIDENCY_CASES) {
    it(`${row.expect}: ${row.name}`, async () => check(row, await judge(row)));
  }
});

describe('residency table, against the DataResidencyPolicy audit', () => {
  // The periodic audit (controllers/data-residency) records what Audit-mode admission lets through; for
  // the agent workloads it reads, both must find the same rows objectionable.
  const agentKinds = new Set(['Deployment', 'StatefulSet', 'Job', 'CronJob']);
  const rows = RESIDENCY_CASES.filter(
    (r) => agentKinds.has(r.kind) && (r.operation ?? 'CREATE') === 'CREATE' && r.policies.length === 1,
  );
  for (const row of rows) {
    it(`agrees on: ${row.name}`, async () => {
      const view = inMemoryClusterView(clusterObjectsOf(row));
      const [policy] = view.residencyPolicies() as DataResidencyPolicy[];
      assert.ok(policy);
      if (
        residencyPoliciesFor(row.namespace, row.namespaceLabels, [policy], { operatorNamespace: '' })
          .length === 0
      ) {
        return;
      }
      if (view.exemptNamespaces.has(row.namespace)) return;
      const object = { ...row.object, metadata: { ...row.object.metadata, namespace: row.namespace } };
      const configMaps = Object.fromEntries(
        await Promise.all(
          (row.configMaps ?? []).map(async (c) => [
            c.metadata.name,
            await view.configMapData(row.namespace, c.metadata.name),
          ]),
        ),
      );
      const audit = auditResidency({
        policy,
        agents: [...discoverAgents([{ kind: row.kind as 'Deployment', objects: [object] }]).values()],
        configMaps: () => configMaps,
        routes: (namespace) => view.fallbackRoutes(namespace) as FallbackRoute[],
        isClusterNamespace: (name) => view.namespace(name) !== undefined,
        services: (namespace, name) => view.serviceAlias(namespace, name),
      });
      assert.equal(audit.violationCount > 0, row.expect !== 'allowed', JSON.stringify(audit.violations));
    });
  }
});

describe('residencyValidationHandler', () => {
  const row: ResidencyCase = {
    ...IN_EU_NAMESPACE,
    policies: [EU_ONLY],
    name: 'probe',
    kind: 'Deployment',
    object: workload('Deployment', 'chat', agentEnv({ OPENAI_BASE_URL: US_OPENAI })),
    expect: 'denied',
  };

  it('answers with one readable message naming workload, container, source, endpoint, region and policy', async () => {
    const verdict = await judge({
      ...row,
      object: workload('Deployment', 'chat', {
        containers: [
          container('agent', { env: [{ name: 'OPENAI_BASE_URL', value: US_OPENAI }] }),
          container('helper', {
            env: [{ name: 'AZURE_OPENAI_ENDPOINT', value: 'https://acme.openai.azure.com' }],
          }),
        ],
      }),
    });
    assert.deepEqual(verdict, {
      allowed: false,
      code: 403,
      reason: 'Forbidden',
      message: [
        'Deployment agents/chat would send data outside the regions data residency allows (2 endpoints):',
        '- container agent, env OPENAI_BASE_URL: https://api.openai.com/v1 → api.openai.com, region us (US); policy residency-case-eu-only',
        '- container helper, env AZURE_OPENAI_ENDPOINT: https://acme.openai.azure.com → acme.openai.azure.com, region unknown; policy residency-case-eu-only',
        'Policy residency-case-eu-only (Enforce) allows regions: none; jurisdictions: EU.',
        "Point each endpoint at an allowed region; a host the catalog cannot place needs an entry with its region in the policy's spec.endpoints.",
      ].join('\n'),
    });
  });

  it('denies Enforce findings and still reports the Warn ones as warnings', async () => {
    const verdict = await judge({
      ...row,
      policies: [
        EU_ONLY,
        dataResidencyPolicy.parse({
          apiVersion: 'governor.agents.dev/v1alpha1',
          kind: 'DataResidencyPolicy',
          metadata: { name: 'residency-case-central-warn' },
          spec: { mode: 'Warn', namespaceSelector: {}, allowedRegions: ['eu-central-1'] },
        }),
      ],
      object: workload('Deployment', 'mixed', {
        containers: [
          container('agent', {
            env: [
              { name: 'OPENAI_BASE_URL', value: US_OPENAI },
              { name: 'BEDROCK_ENDPOINT', value: 'https://bedrock-runtime.eu-west-1.amazonaws.com' },
            ],
          }),
        ],
      }),
    });
    assert.equal(verdict.allowed, false);
    assert.deepEqual(verdict.warnings, [
      'residency policy residency-case-central-warn (Warn): container agent, env BEDROCK_ENDPOINT → bedrock-runtime.eu-west-1.amazonaws.com, region eu-west-1 (EU) is not allowed',
    ]);
  });

  it('reads each referenced ConfigMap once, and none when no policy applies', async () => {
    const spec = {
      containers: [
        container('a', {
          env: [{ name: 'OPENAI_BASE_URL', valueFrom: { configMapKeyRef: { name: 'llm', key: 'url' } } }],
          envFrom: [{ configMapRef: { name: 'shared' } }],
        }),
        container('b', { envFrom: [{ configMapRef: { name: 'llm' } }] }),
      ],
    };
    const selected = inMemoryClusterView(clusterObjectsOf(row));
    await residencyValidationHandler(selected).handle(
      admissionRequestOf({ ...row, object: workload('Deployment', 'cms', spec) }),
    );
    assert.deepEqual(selected.configMapReads, ['agents/llm', 'agents/shared']);
    const unselected = inMemoryClusterView(clusterObjectsOf({ ...row, namespaceLabels: {} }));
    await residencyValidationHandler(unselected).handle(
      admissionRequestOf({ ...row, object: workload('Deployment', 'cms', spec) }),
    );
    assert.deepEqual(unselected.configMapReads, []);
  });

  it('judges a dry run the same way (only the audit request, a side effect, is skipped)', async () => {
    const view = inMemoryClusterView(clusterObjectsOf(row));
    const handler = residencyValidationHandler(view);
    const wet = await handler.handle(admissionRequestOf(row));
    const dry = await handler.handle({ ...admissionRequestOf(row), dryRun: true });
    assert.deepEqual(dry, wet);
  });

  it('lets through what it does not judge: DELETE, other kinds, other subresources, objects being deleted', async () => {
    const handler = residencyValidationHandler(inMemoryClusterView(clusterObjectsOf(row)));
    const request = admissionRequestOf(row);
    assert.deepEqual(await handler.handle({ ...request, operation: 'DELETE' }), { allowed: true });
    assert.deepEqual(
      await handler.handle({ ...request, kind: { group: '', version: 'v1', kind: 'Service' } }),
      {
        allowed: true,
      },
    );
    assert.deepEqual(await handler.handle({ ...request, subResource: 'scale' }), { allowed: true });
    const object = request.object as { metadata: object };
    const deleting = {
      ...object,
      metadata: { ...object.metadata, deletionTimestamp: '2025-01-01T00:00:00Z' },
    };
    assert.deepEqual(
      await handler.handle({ ...request, operation: 'UPDATE', object: deleting, oldObject: deleting }),
      { allowed: true },
    );
  });

  it('refuses a review without an object with 400, naming the kind and namespace', async () => {
    const handler = residencyValidationHandler(inMemoryClusterView(clusterObjectsOf(row)));
    const verdict = await handler.handle({ ...admissionRequestOf(row), object: undefined });
    assert.equal(verdict.allowed, false);
    assert.equal(!verdict.allowed && verdict.code, 400);
    assert.match(!verdict.allowed ? verdict.message : '', /Deployment agents\/chat carries no object/);
  });

  it('sees an edited policy at once (compilations are kept per policy version)', async () => {
    const objects = clusterObjectsOf(row);
    const view = inMemoryClusterView(objects);
    const handler = residencyValidationHandler(view);
    assert.equal((await handler.handle(admissionRequestOf(row))).allowed, false);
    const [policy] = view.residencyPolicies();
    assert.ok(policy);
    policy.spec = { ...policy.spec, allowedJurisdictions: ['EU', 'US'] };
    policy.metadata = { ...policy.metadata, resourceVersion: '2' };
    assert.deepEqual(await handler.handle(admissionRequestOf(row)), { allowed: true });
  });
});

describe('residencyValidationHandler asks for audits of what it admits with findings', () => {
  const policyName = (p: unknown) => (p as { metadata: { name: string } }).metadata.name;
  for (const row of RESIDENCY_CASES) {
    it(`${row.expect}: ${row.name}`, async () => {
      const asked: string[] = [];
      const handler = residencyValidationHandler(inMemoryClusterView(clusterObjectsOf(row)), {
        onAuditFinding: (policy) => asked.push(policy),
      });
      const request = admissionRequestOf(row);
      const verdict = await handler.handle({ ...request, dryRun: true });
      assert.deepEqual(asked, [], 'a dry run stores nothing, so it asks for no audit');
      assert.deepEqual(await handler.handle(request), verdict);
      if (row.expect === 'warned' || row.expect === 'audited') {
        assert.ok(asked.length > 0, `an audit is asked for: ${JSON.stringify(verdict)}`);
        const policies = new Set(row.policies.map(policyName));
        for (const name of asked) assert.ok(policies.has(name), `${name} is one of the row's policies`);
      } else {
        // Refused: nothing is stored. Allowed without findings: nothing to record.
        assert.deepEqual(asked, []);
      }
    });
  }
});
