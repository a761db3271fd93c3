// `agent-governor operator` as a person runs it: a clear start-up line, /healthz, /readyz and
// /metrics answering, the Lease taken, a second replica standing by, and SIGTERM ending it cleanly
// (exit 0, Lease released). Bad flags and an unreachable kubeconfig fail with a clear message.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient, type KubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { leases, namespaces } from '../../runtime/kube/resources.js';
import { eventually, metricValue } from '../../testing/eventually.js';
import { installCrds } from '../../testing/install-crds.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';

const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');

interface RunningCli {
  child: ChildProcess;
  startup: string;
  output(): string;
  exited: Promise<number | null>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startCli(args: string[]): Promise<RunningCli> {
  const child = spawn(process.execPath, [BIN, 'operator', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const startup = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: string) => {
      output += chunk;
      const line = output.split('\n').find((l) => l.startsWith('agent-governor operator started'));
      if (line) resolve(line);
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    void exited.then((code) =>
      reject(new Error(`the operator exited (${code}) before starting:\n${output}`)),
    );
  });
  return { child, startup, output: () => output, exited };
}

describe('agent-governor operator', { timeout: 120_000 }, () => {
  let cluster: TestCluster;
  let transport: ApiTransport;
  let client: KubeClient;
  const namespace = `cli-${randomBytes(3).toString('hex')}`;
  const running: RunningCli[] = [];

  before(async () => {
    cluster = await testCluster();
    // The registered controllers watch the governor kinds: without their CRDs nothing gets ready.
    await installCrds(cluster);
    transport = new ApiTransport(kubeconfigConnection(cluster.kubeconfig));
    client = createKubeClient(transport);
    await client.create(namespaces, { metadata: { name: namespace } });
  });

  after(async () => {
    for (const cli of running) cli.child.kill('SIGKILL');
    await client?.delete(namespaces, { name: namespace });
    await transport?.close();
  });

  const common = () => [
    '--kubeconfig',
    cluster.kubeconfig,
    '--namespace',
    namespace,
    '--bind-address',
    '127.0.0.1',
    '--lease-name',
    'cli-leader',
    '--sidecar-services-port',
    '0',
  ];

  let leader: RunningCli;
  let port: number;

  it('prints what it runs with and serves /healthz, /readyz and /metrics on one port', async () => {
    port = await freePort();
    leader = await startCli([
      ...common(),
      '--metrics-port',
      String(port),
      '--health-port',
      String(port),
      '--identity',
      'cli-a',
    ]);
    running.push(leader);
    assert.match(
      leader.startup,
      /started as cli-a: API server via kubeconfig .*\(context agent-governor, https:\/\/127\.0\.0\.1:\d+\)/,
    );
    assert.match(leader.startup, new RegExp(`leader election on Lease ${namespace}/cli-leader`));
    assert.match(leader.startup, /; controllers: [^;]+;/);
    assert.match(
      leader.startup,
      new RegExp(`metrics http://127.0.0.1:${port}/metrics; probes http://127.0.0.1:${port}/healthz`),
    );
    const base = `http://127.0.0.1:${port}`;
    const healthz = await fetch(`${base}/healthz`);
    assert.equal(healthz.status, 200);
    assert.equal(await healthz.text(), 'ok\n');
    await eventually('readiness', async () =>
      (await fetch(`${base}/readyz`)).status === 200 ? true : undefined,
    );
    assert.match(
      await (await fetch(`${base}/readyz?verbose`)).text(),
      /\[\+\]informers ok\n\[\+\]shutdown ok\nreadyz check passed/,
    );
    await eventually('the lease', async () =>
      (await client.get(leases, { namespace, name: 'cli-leader' }))?.spec?.holderIdentity === 'cli-a'
        ? true
        : undefined,
    );
    const metrics = await (await fetch(`${base}/metrics`)).text();
    assert.equal(metricValue(metrics, 'governor_operator_leader'), 1);
    assert.ok(
      metricValue(metrics, 'governor_operator_process_resident_memory_bytes') > 0,
      'process metrics are collected',
    );
    const missing = await fetch(`${base}/nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /serves \/healthz, \/readyz, \/metrics/);
  });

  it('runs a second replica as a ready standby on separate ports', async () => {
    const standby = await startCli([
      ...common(),
      '--metrics-port',
      '0',
      '--health-port',
      '0',
      '--identity',
      'cli-b',
    ]);
    running.push(standby);
    const metricsUrl = /metrics (http:\/\/\S+)\/metrics/.exec(standby.startup)?.[1];
    const healthUrl = /probes (http:\/\/\S+)\/healthz/.exec(standby.startup)?.[1];
    assert.ok(metricsUrl && healthUrl && metricsUrl !== healthUrl, standby.startup);
    await eventually('the standby to be ready', async () =>
      (await fetch(`${healthUrl}/readyz`)).status === 200 ? true : undefined,
    );
    assert.equal(
      metricValue(await (await fetch(`${metricsUrl}/metrics`)).text(), 'governor_operator_leader'),
      0,
    );
    assert.equal((await fetch(`${metricsUrl}/healthz`)).status, 404, 'the metrics port serves only /metrics');

    // SIGTERM to the leader: exit 0, Lease released, the standby leads at once.
    leader.child.kill('SIGTERM');
    assert.equal(await leader.exited, 0, leader.output());
    assert.match(leader.output(), /agent-governor operator stopped \(SIGTERM\)/);
    await eventually(
      'the standby to lead',
      async () =>
        (await client.get(leases, { namespace, name: 'cli-leader' }))?.spec?.holderIdentity === 'cli-b'
          ? true
          : undefined,
      { timeoutMs: 6_000 },
    );
    standby.child.kill('SIGINT');
    assert.equal(await standby.exited, 0, standby.output());
    const lease = await client.get(leases, { namespace, name: 'cli-leader' });
    assert.equal(lease?.spec?.holderIdentity, undefined, 'the last replica released the Lease');
  });

  it('refuses bad flags and an unreadable kubeconfig with a clear message', () => {
    const badPort = spawnSync(process.execPath, [BIN, 'operator', '--metrics-port', 'eighty'], {
      encoding: 'utf8',
    });
    assert.notEqual(badPort.status, 0);
    assert.match(badPort.stderr, /--metrics-port.*must be a port from 0 to 65535/);
    const missing = spawnSync(
      process.execPath,
      [BIN, 'operator', '--kubeconfig', '/nonexistent/kubeconfig'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /cannot read the kubeconfig \/nonexistent\/kubeconfig: ENOENT/);
  });

  it('fails at start-up, saying so, when one of its ports is taken', async () => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    const taken = String((squatter.address() as { port: number }).port);
    const run = async (args: string[]) => {
      const child = spawn(process.execPath, [BIN, 'operator', ...common(), ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
      });
      const [code] = await once(child, 'exit');
      return { code, stderr };
    };
    try {
      const metrics = await run(['--metrics-port', taken]);
      assert.equal(metrics.code, 1);
      assert.match(metrics.stderr, new RegExp(`cannot listen on 127.0.0.1:${taken}: the port is in use`));
      const services = await run([
        '--metrics-port',
        '0',
        '--health-port',
        '0',
        '--sidecar-services-port',
        taken,
      ]);
      assert.equal(services.code, 1);
      assert.match(services.stderr, /agent-governor: service sidecar-services failed: .*EADDRINUSE|in use/);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
