import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dataflowMap, regionLabel } from './dataflow-map.js';
import { dataflowTable } from './dataflow-table.js';
import { demoLikeInputs, NAMESPACE } from './testdata/demo-like-cluster.js';

const map = dataflowMap(demoLikeInputs());
const flow = (agent: string, destination: string) => {
  const found = map.flows.find((f) => f.agent === `${NAMESPACE}/${agent}` && f.destination === destination);
  assert.ok(
    found,
    `a flow ${agent} → ${destination}; flows: ${map.flows.map((f) => `${f.agent}→${f.destination}`).join(', ')}`,
  );
  return found;
};

describe('dataflowMap of a demo-like cluster', () => {
  it('lists every agent with its workloads and their versions, and the agent refused at admission', () => {
    assert.deepEqual(
      map.agents.map((a) => [a.name, a.workloads.map((w) => `${w.kind}/${w.name}`)]),
      [
        ['marketing', ['CronJob/marketing-nightly-report', 'Deployment/marketing-agent']],
        ['research', []],
        ['support', ['Deployment/support-agent']],
      ],
    );
    for (const agent of map.agents)
      for (const w of agent.workloads) assert.match(w.version, /^v1-[0-9a-f]{20}$/);
    assert.match(map.agents[1]?.notes[0] ?? '', /research-agent was refused at admission/);
  });

  it('puts the route targets in their regions, allowed by the EU policy, with the models they serve', () => {
    const openai = flow('marketing', 'LLM:eu.api.openai.com');
    assert.equal(openai.residency, 'allowed');
    assert.deepEqual(openai.models, ['gpt-4o']);
    assert.ok(openai.via.includes('route gpt-4o target openai-eu'));
    assert.ok(
      openai.via.some((v) => v.startsWith('env OPENAI_BASE_URL (agent) of Deployment/marketing-agent')),
    );
    const azure = flow('support', 'LLM:agents-prod.openai.azure.com');
    assert.equal(azure.residency, 'allowed');
    const destination = map.destinations.find((d) => d.id === 'LLM:agents-prod.openai.azure.com');
    assert.equal(destination && regionLabel(destination), 'swedencentral (EU)');
    assert.equal(destination?.provider, 'AzureOpenAI');
  });

  it('shows what the sidecars saw answer, per model, on the flows of the agent whose ledger says so', () => {
    assert.deepEqual(flow('support', 'LLM:eu.api.openai.com').observed, [
      {
        model: 'gpt-4o',
        requests: 10,
        inputTokens: 1000,
        outputTokens: 200,
        lastSeen: '2026-03-02T08:30:00.000Z',
      },
    ]);
    assert.deepEqual(flow('marketing', 'LLM:eu.api.openai.com').observed, []);
  });

  it('refuses the US Qdrant index and the declared US export, keeps the in-cluster Redis and the EU pgvector', () => {
    const qdrant = flow('marketing', 'Qdrant:campaigns.us-east4-0.gcp.cloud.qdrant.io');
    assert.equal(qdrant.residency, 'refused');
    assert.equal(qdrant.policy, 'demo-eu-only');
    const exported = flow('marketing', 'Declared:s3://acme-campaign-exports/daily/');
    assert.equal(exported.residency, 'refused');
    assert.equal(exported.declared, true);
    assert.match(exported.via[0] ?? '', /^declared nightly-export/);
    assert.equal(flow('marketing', 'Redis:sessions.governor-demo.svc').residency, 'allowed');
    const pgvector = flow('support', 'pgvector:kb.abc123.eu-central-1.rds.amazonaws.com');
    assert.equal(pgvector.residency, 'allowed');
  });

  it('shows the refused US endpoint of the workload admission stopped as refused', () => {
    const refused = flow('research', 'LLM:api.openai.com');
    assert.equal(refused.residency, 'refused');
    assert.equal(refused.refusedAtAdmission, true);
    assert.equal(refused.policy, 'demo-eu-only');
    assert.match(
      refused.via[0] ?? '',
      /refused at admission: Deployment\/research-agent env OPENAI_BASE_URL by dev@example.com/,
    );
  });

  it('marks a flow unknown when nothing places it and no policy decides, and allowed when no policy applies', () => {
    const outside = dataflowMap(demoLikeInputs({ namespaceLabels: () => undefined }));
    const qdrant = outside.flows.find((f) => f.destination.startsWith('Qdrant:'));
    assert.equal(qdrant?.residency, 'allowed');
    assert.equal(qdrant?.message, 'no residency policy applies');
    const azure = outside.flows.find((f) => f.destination === 'LLM:agents-prod.openai.azure.com');
    assert.equal(azure?.residency, 'allowed');
  });

  it('keeps to the namespaces asked for', () => {
    const none = dataflowMap(demoLikeInputs({ namespaces: new Set(['elsewhere']) }));
    assert.deepEqual([none.agents.length, none.flows.length], [0, 0]);
  });

  it('prints a table with one line per flow and the versions of every workload', () => {
    const table = dataflowTable(map);
    assert.match(
      table,
      /governor-demo\/research\s+api\.openai\.com\s+LLM OpenAI\s+us \(US\)\s+-\s+-\s+refused \(demo-eu-only, Enforce\) at admission/,
    );
    assert.match(
      table,
      /governor-demo\/support\s+Deployment\/support-agent\s+v1-[0-9a-f]{20}\s+ghcr\.io\/example\/support-agent:2\.0\.0\s+support-prompt=sha256:[0-9a-f]{12}/,
    );
  });
});
