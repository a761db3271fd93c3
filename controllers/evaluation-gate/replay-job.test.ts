import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluationGateSpec } from '../../apis/evaluation-gate.js';
import { evaluationId, replayArgs, replayJob, replayJobName } from './replay-job.js';
import { deployment, gate } from './testdata/evaluation-fixtures.js';

test('the replay command carries the corpus path, the candidate, every criterion and the summary file', () => {
  const spec = evaluationGateSpec.parse({
    ...gate().spec,
    criteria: { minPassRate: 0.9, maxP95Ms: 2000, maxTokensPerCase: 800, minSimilarity: 0.7 },
  });
  assert.deepEqual(replayArgs(spec), [
    'replay',
    '--corpus',
    '/corpus/corpus.jsonl',
    '--candidate',
    'http://127.0.0.1:4000',
    '--min-pass-rate',
    '0.9',
    '--max-p95-ms',
    '2000',
    '--max-tokens-per-case',
    '800',
    '--min-similarity',
    '0.7',
    '--summary-file',
    '/dev/termination-log',
  ]);
});

test('with the default candidate the pod is one of the agent (labels, ServiceAccount); with a URL it is not', () => {
  const g = gate();
  const asAgent = replayJob({
    gate: g,
    spec: evaluationGateSpec.parse(g.spec),
    deployment: deployment('support:2'),
    evaluation: 'abcdef0123456789',
    templateHash: 'abcdef0123456789',
    defaultImage: 'operator:1',
  });
  const pod = asAgent.spec?.template;
  assert.equal(asAgent.metadata?.name, 'support-gate-eval-abcdef0123');
  assert.equal(asAgent.spec?.backoffLimit, 0);
  assert.equal(asAgent.spec?.activeDeadlineSeconds, 600);
  assert.equal(asAgent.metadata?.ownerReferences?.[0]?.uid, 'gate-uid');
  assert.equal(pod?.metadata?.labels?.['governor.agents.dev/agent'], 'support');
  assert.equal(pod?.metadata?.labels?.['governor.agents.dev/evaluation-gate'], 'support-gate');
  assert.equal(pod?.spec?.serviceAccountName, 'support');
  assert.equal(pod?.spec?.restartPolicy, 'Never');
  const container = pod?.spec?.containers[0];
  assert.equal(container?.image, 'operator:1');
  assert.equal(container?.terminationMessagePolicy, 'File');
  assert.deepEqual(pod?.spec?.volumes?.[0]?.configMap?.items, [
    { key: 'corpus.jsonl', path: 'corpus.jsonl' },
  ]);

  const withUrl = {
    ...g.spec,
    candidate: 'http://candidate.agents.svc:4000',
    image: 'replay:2',
    timeout: '90s',
  };
  const plain = replayJob({
    gate: g,
    spec: evaluationGateSpec.parse(withUrl),
    deployment: deployment('support:2'),
    evaluation: 'abcdef0123456789',
    templateHash: 'abcdef0123456789',
    defaultImage: 'operator:1',
  });
  assert.equal(plain.spec?.template.metadata?.labels?.['governor.agents.dev/agent'], undefined);
  assert.equal(plain.spec?.template.spec?.serviceAccountName, undefined);
  assert.equal(plain.spec?.template.spec?.containers[0]?.image, 'replay:2');
  assert.equal(plain.spec?.activeDeadlineSeconds, 90);
});

test('Job names fit 63 characters; an evaluation asked again differs from the template alone', () => {
  assert.equal(replayJobName('a'.repeat(80), '0123456789abcdef').length, 56);
  assert.equal(replayJobName(`${'a'.repeat(39)}-b`, '0123456789abcdef'), `${'a'.repeat(39)}-eval-0123456789`);
  assert.equal(evaluationId('0123456789abcdef', undefined), '0123456789abcdef');
  assert.notEqual(evaluationId('0123456789abcdef', 'now'), evaluationId('0123456789abcdef', 'later'));
});
