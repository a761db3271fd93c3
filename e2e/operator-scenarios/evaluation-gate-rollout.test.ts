// An EvaluationGate in Enforce mode on a real Deployment, with `agent-governor operator` serving its
// webhooks to the real API server, whose kube-controller-manager runs the Deployment and Job
// controllers. Calls go through a real sidecar with capture on; `agent-governor capture export`
// makes the corpus ConfigMap. The gate passes the Deployment's first template; a new template is
// paused by the rollout-hold webhook in the same write (no ReplicaSet of it appears), its replay Job
// carries the replay command, a failing replay keeps it paused (verdict, Stalled, Evaluated=False,
// Warning Events), and a passing evaluation — asked again with evaluate-requested-at — releases it.
//
// The local cluster has no kubelet, so the replay Job's pod stays Pending: this suite plays the
// kubelet's part. It runs the command the operator put in the Job — `agent-governor replay` with the
// Job's own arguments, the corpus and termination-log paths mapped to local files — against a real
// candidate sidecar (a good route, then a failing one), and writes the pod's status with the
// termination message the container would have left.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { evaluationGates } from '../../agents/governor-resources.js';
import type { EvaluationGate } from '../../apis/evaluation-gate.js';
import type { KubeClient } from '../../runtime/kube/kube-client.js';
import { resourceType } from '../../runtime/kube/resource-type.js';
import {
  configMaps,
  type Deployment,
  deployments,
  events,
  type Job,
  jobs,
  type Pod,
  pods,
} from '../../runtime/kube/resources.js';
import { eventually } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import {
  metricValue,
  openAIRoute,
  type SidecarFixture,
  startSidecarFixture,
} from '../../testing/sidecar-fixture.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import {
  type AdmissionOperator,
  adminClient,
  cleanUpAdmission,
  createNamespace,
  startAdmissionOperator,
  uniqueName,
} from '../admission/admission-operator.js';

const run = promisify(execFile);
const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');

const replicaSets = resourceType<{ metadata?: { name?: string; labels?: Record<string, string> } }>({
  group: 'apps',
  version: 'v1',
  plural: 'replicasets',
  kind: 'ReplicaSet',
  namespaced: true,
});

const QUESTIONS = ['Where is order 1234?', 'Can I return a router after 30 days?', 'Do you ship to Norway?'];

describe('evaluation gate on rollout (operator with local webhooks)', { timeout: 420_000 }, () => {
  let cluster: TestCluster;
  let client: KubeClient;
  let close: () => Promise<void>;
  let operator: AdmissionOperator;
  let mock: MockLlm;
  let failingMock: MockLlm;
  let good: SidecarFixture;
  let bad: SidecarFixture;
  let work: string;
  let corpusFile: string;
  const operatorNamespace = uniqueName('evalgate-op');
  const namespace = uniqueName('evalgate');
  const gateKey = { namespace, name: 'support' };

  const deployment = (image: string): Deployment => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'support', namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'support' } },
      template: {
        metadata: { labels: { app: 'support', 'governor.agents.dev/agent': 'support' } },
        spec: { containers: [{ name: 'agent', image }] },
      },
    },
  });
  const stored = async () => (await client.get(deployments, { namespace, name: 'support' })) as Deployment;
  const gate = async () => (await client.get(evaluationGates, gateKey)) as EvaluationGate;
  const imagesOfReplicaSets = async () =>
    (await client.list(replicaSets, { namespace })).map(
      (rs) => (rs as Deployment).spec?.template?.spec?.containers[0]?.image,
    );
  const gateEvents = async () =>
    (await client.list(events, { namespace })).filter((e) => e.regarding?.name === 'support');

  /** The Job of the gate's current evaluation, once the operator made it. */
  async function currentJob(): Promise<Job> {
    return eventually('the replay Job of the current evaluation', async () => {
      const g = await gate();
      if (g.status?.verdict !== 'Pending' || !g.status.jobName) return undefined;
      return client.get(jobs, { namespace, name: g.status.jobName });
    });
  }

  /**
   * The kubelet's part: runs the Job's replay command locally and ends the Job's (Pending) pod with
   * the termination message it left.
   */
  async function playKubelet(job: Job): Promise<void> {
    const pod = await eventually('the Job controller’s pod', async () => {
      const found = await client.list(pods, { namespace, labelSelector: `job-name=${job.metadata?.name}` });
      return found[0];
    });
    const args = job.spec?.template.spec?.containers[0]?.args ?? [];
    const { exitCode, message } = await replaySummary(args);
    const now = new Date().toISOString();
    await client.patchStatus(
      pods,
      { namespace, name: pod.metadata?.name ?? '' },
      {
        type: 'merge',
        body: {
          status: {
            phase: exitCode === 0 ? 'Succeeded' : 'Failed',
            containerStatuses: [
              {
                name: 'replay',
                image: job.spec?.template.spec?.containers[0]?.image ?? '',
                imageID: '',
                ready: false,
                restartCount: 0,
                started: false,
                state: {
                  terminated: {
                    exitCode,
                    reason: exitCode === 0 ? 'Completed' : 'Error',
                    message,
                    startedAt: now,
                    finishedAt: now,
                  },
                },
              },
            ],
          },
        } satisfies { status: Pod['status'] },
      },
    );
  }

  /** What the replay container exits with and leaves in /dev/termination-log: the real command, run here. */
  async function replaySummary(args: string[]): Promise<{ exitCode: number; message: string }> {
    const summaryFile = join(work, `summary-${randomBytes(3).toString('hex')}.json`);
    const local = args.map((a) =>
      a.startsWith('/corpus/') ? corpusFile : a === '/dev/termination-log' ? summaryFile : a,
    );
    const exitCode = await run(process.execPath, [BIN, ...local]).then(
      () => 0,
      (err: { code?: number }) => err.code ?? 1,
    );
    return { exitCode, message: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '' };
  }

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'evalgate-e2e-'));
    mock = await startMockLlm({ reply: 'Order 1234 left our warehouse yesterday.' });
    failingMock = await startMockLlm();
    failingMock.always = { kind: 'status', status: 500 };
    const keyFile = join(work, 'capture.key');
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`);
    const agent = { name: 'support', namespace };
    good = await startSidecarFixture(
      { agent, routes: [openAIRoute('gpt-4o', mock.baseUrl)] },
      { capture: { keyFile } },
    );
    bad = await startSidecarFixture({ agent, routes: [openAIRoute('gpt-4o', failingMock.baseUrl)] });

    // The corpus: calls of the agent through its sidecar, captured and exported.
    const openai = new OpenAI({ baseURL: good.baseURL, apiKey: 'agent-key', maxRetries: 0 });
    for (const content of QUESTIONS) {
      await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
    }
    await eventually('the captured calls written', async () =>
      metricValue(await good.metrics(), 'governor_sidecar_capture_records_total', { outcome: 'written' }) >=
      QUESTIONS.length
        ? true
        : undefined,
    );
    const exported = await run(process.execPath, [
      BIN,
      'capture',
      'export',
      '--dir',
      join(good.dir, 'spool', 'capture'),
      '--key-file',
      keyFile,
      '-o',
      'jsonl',
    ]);
    corpusFile = join(work, 'corpus.jsonl');
    writeFileSync(corpusFile, exported.stdout);
    assert.equal(exported.stdout.trim().split('\n').length, QUESTIONS.length);

    cluster = await testCluster();
    await installCrds(cluster);
    ({ client, close } = adminClient(cluster));
    await createNamespace(client, operatorNamespace);
    await createNamespace(client, namespace);
    await client.create(configMaps, {
      metadata: { name: 'support-corpus', namespace },
      data: { 'corpus.jsonl': exported.stdout },
    });
    await client.create(deployments, deployment('support:1'));
    operator = await startAdmissionOperator(cluster, operatorNamespace);
  });

  after(async () => {
    await operator?.process.stop();
    if (client) await cleanUpAdmission(client, { namespaces: [namespace, operatorNamespace] });
    await close?.();
    await good?.close();
    await bad?.close();
    await mock?.close();
    await failingMock?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('evaluates the first template in a Job carrying the replay command, and passes it without holding', async () => {
    await client.create(evaluationGates, {
      apiVersion: 'governor.agents.dev/v1alpha1',
      kind: 'EvaluationGate',
      metadata: gateKey,
      spec: {
        agent: 'support',
        corpus: { configMapRef: { name: 'support-corpus', key: 'corpus.jsonl' } },
        criteria: { minPassRate: 0.9, maxP95Ms: 10_000 },
        mode: 'Enforce',
        timeout: '5m',
        candidate: good.url,
      },
    } as EvaluationGate);
    const job = await currentJob();
    assert.deepEqual(job.spec?.template.spec?.containers[0]?.args, [
      'replay',
      '--corpus',
      '/corpus/corpus.jsonl',
      '--candidate',
      good.url,
      '--min-pass-rate',
      '0.9',
      '--max-p95-ms',
      '10000',
      '--summary-file',
      '/dev/termination-log',
    ]);
    assert.equal(job.spec?.backoffLimit, 0);
    assert.equal(job.spec?.activeDeadlineSeconds, 300);
    assert.equal(job.metadata?.ownerReferences?.[0]?.kind, 'EvaluationGate');
    await playKubelet(job);
    const passed = await eventually('the first template passed', async () => {
      const g = await gate();
      return g.status?.verdict === 'Pass' ? g : undefined;
    });
    assert.equal(passed.status?.passedTemplateHash, passed.status?.templateHash);
    assert.equal(passed.status?.cases, QUESTIONS.length);
    assert.equal(passed.status?.passRate, 1);
    assert.equal(passed.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
    assert.equal(passed.status?.conditions?.find((c) => c.type === 'Evaluated')?.reason, 'Passed');
    assert.notEqual((await stored()).spec?.paused, true, 'the first version is never held');
  });

  it('pauses a new template in the same write: no ReplicaSet of it appears while it is evaluated', async () => {
    // The failing candidate route for this version.
    await client.patch(evaluationGates, gateKey, { type: 'merge', body: { spec: { candidate: bad.url } } });
    await eventually('the gate’s new spec in the operator’s cache', async () => {
      const g = await gate();
      return g.status?.observedGeneration === g.metadata.generation ? true : undefined;
    });
    const updated = await client.patch(
      deployments,
      { namespace, name: 'support' },
      {
        type: 'json',
        body: [{ op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'support:2' }],
      },
    );
    assert.equal(updated.spec?.paused, true, 'paused by the rollout-hold webhook in the update itself');
    assert.match(
      updated.metadata?.annotations?.['governor.agents.dev/evaluation-hold'] ?? '',
      /^[0-9a-f]{16}$/,
    );
    const job = await currentJob();
    assert.equal(job.spec?.template.spec?.containers[0]?.args?.[4], bad.url);
    // The controller took the hold over with server-side apply: its field manager owns spec.paused.
    const applied = await eventually('the hold applied by the operator', async () => {
      const d = await stored();
      return d.metadata?.annotations?.['governor.agents.dev/evaluation-hold-applied'] ? d : undefined;
    });
    assert.ok(
      applied.metadata?.managedFields?.some(
        (m) => m.operation === 'Apply' && JSON.stringify(m.fieldsV1 ?? {}).includes('"f:paused"'),
      ),
      'an Apply entry owns spec.paused',
    );
    assert.deepEqual(await imagesOfReplicaSets(), ['support:1']);

    await playKubelet(job);
    const failed = await eventually('the new template failed', async () => {
      const g = await gate();
      return g.status?.verdict === 'Fail' ? g : undefined;
    });
    assert.equal(failed.status?.passRate, 0);
    assert.match(failed.status?.failed?.[0] ?? '', /^passRate 0 < 0\.9/);
    assert.equal(failed.status?.conditions?.find((c) => c.type === 'Stalled')?.reason, 'EvaluationFailed');
    assert.equal(failed.status?.conditions?.find((c) => c.type === 'Evaluated')?.status, 'False');
    assert.notEqual(failed.status?.passedTemplateHash, failed.status?.templateHash);
    const warned = await eventually('Failed and RolloutHeld Events', async () => {
      const reasons = (await gateEvents()).map((e) => `${e.type}/${e.reason}/${e.regarding?.kind}`);
      return [
        'Warning/Failed/EvaluationGate',
        'Warning/RolloutHeld/EvaluationGate',
        'Warning/RolloutHeld/Deployment',
      ].every((r) => reasons.includes(r))
        ? reasons
        : undefined;
    });
    assert.ok(warned.includes('Normal/JobStarted/EvaluationGate'));
    // Still held: paused, and the Deployment controller made no ReplicaSet of the failing template.
    await new Promise((r) => setTimeout(r, 2_000));
    assert.equal((await stored()).spec?.paused, true);
    assert.deepEqual(await imagesOfReplicaSets(), ['support:1']);
  });

  it('a passing evaluation, asked again with evaluate-requested-at, releases the rollout', async () => {
    await client.patch(evaluationGates, gateKey, {
      type: 'merge',
      body: {
        metadata: { annotations: { 'governor.agents.dev/evaluate-requested-at': new Date().toISOString() } },
        spec: { candidate: good.url },
      },
    });
    const job = await currentJob();
    assert.equal(job.spec?.template.spec?.containers[0]?.args?.[4], good.url);
    await playKubelet(job);
    const released = await eventually('the rollout released', async () => {
      const d = await stored();
      // paused: false is stored as no field (omitempty).
      if (d.spec?.paused !== true && !d.metadata?.annotations?.['governor.agents.dev/evaluation-hold'])
        return d;
      const g = await gate();
      throw new Error(
        `paused ${d.spec?.paused}, annotations ${JSON.stringify(d.metadata?.annotations)}; gate ${JSON.stringify(g.status)}`,
      );
    });
    assert.ok(released);
    const g = await gate();
    assert.equal(g.status?.verdict, 'Pass');
    assert.equal(g.status?.passedTemplateHash, g.status?.templateHash);
    await eventually('the ReplicaSet of the passed template', async () =>
      (await imagesOfReplicaSets()).includes('support:2') ? true : undefined,
    );
    await eventually('a RolloutReleased Event on the Deployment', async () =>
      (await gateEvents()).some((e) => e.reason === 'RolloutReleased' && e.regarding?.kind === 'Deployment')
        ? true
        : undefined,
    );
  });
});
