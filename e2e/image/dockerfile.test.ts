// The Dockerfile without a Docker engine: BuildKit's own checks (`docker build --check`, built from
// Go modules by tools/helm/build.sh) find nothing; the image is multi-stage, non-root, with an exec-form
// entry point; and the runtime stage's steps, carried out in a clean copy (production dependencies
// only, the compiled code it copies and nothing else), give a command that works as uid 65532 —
// `--help` everywhere, the operator started against the real API server, the sidecar serving.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { LOOPBACK_PORTS } from '../../testing/operator-command-line.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { type TestCluster, testCluster } from '../../testing/test-cluster.js';
import { gitopsTools, runTool } from '../../tools/gitops-tools.js';
import { type ImageRun, type Instruction, parseDockerfile, runStage, stagesOf } from './dockerfile-steps.js';

const DOCKERFILE = join(REPO_ROOT, 'Dockerfile');
const instructions = parseDockerfile(readFileSync(DOCKERFILE, 'utf8'));
const stages = stagesOf(instructions);
const finalStage = [...stages.keys()].at(-1) ?? '';

interface Finished {
  code: number | null;
  output: string;
}

/** The image's command with `args`, as its USER, from the copy; resolves when it exits. */
function runImage(image: ImageRun, args: string[], env: Record<string, string> = {}): ChildProcess {
  const [program = 'node', ...rest] = [...image.entrypoint, ...args];
  const argv = rest.map((a) => (a.startsWith('/app/') ? join(image.root, a) : a));
  return spawn(program === 'node' ? process.execPath : program, argv, {
    cwd: join(image.root, image.workdir),
    env: { PATH: process.env['PATH'] ?? '', ...image.env, ...env },
    ...(image.user ? { uid: image.user.uid, gid: image.user.gid } : {}),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function finished(child: ChildProcess): Promise<Finished> {
  let output = '';
  child.stdout?.setEncoding('utf8').on('data', (c: string) => {
    output += c;
  });
  child.stderr?.setEncoding('utf8').on('data', (c: string) => {
    output += c;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, output };
}

/** Resolves with the output once `pattern` appears; rejects when the process exits first or after 30 s. */
function waitFor(child: ChildProcess, pattern: RegExp): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${pattern} within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: string) => {
      output += chunk;
      if (pattern.test(output)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout?.setEncoding('utf8').on('data', onData);
    child.stderr?.setEncoding('utf8').on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before ${pattern}:\n${output}`));
    });
  });
}

describe('Dockerfile', { timeout: 600_000 }, () => {
  let dir: string;
  let image: ImageRun;
  let cluster: TestCluster;
  const children: ChildProcess[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'agent-governor-image-'));
    chmodSync(dir, 0o755);
    cluster = await testCluster();
  });
  after(() => {
    for (const child of children) child.kill('SIGKILL');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('passes the checks of `docker build --check` (BuildKit), which do catch a bad Dockerfile', async () => {
    const { dockerfileCheck } = gitopsTools();
    const checked = await runTool(dockerfileCheck, [DOCKERFILE]);
    assert.equal(checked.code, 0, `${checked.stdout}${checked.stderr}`);
    assert.equal(checked.stdout, '');
    const bad = join(dir, 'Dockerfile.bad');
    writeFileSync(
      bad,
      readFileSync(DOCKERFILE, 'utf8').replace(
        /^ENTRYPOINT .*$/m,
        'ENTRYPOINT node /app/bin/agent-governor.mjs',
      ),
    );
    const flagged = await runTool(dockerfileCheck, [bad]);
    assert.equal(flagged.code, 1);
    assert.match(flagged.stdout, /"rule":"JSONArgsRecommended".*ENTRYPOINT/);
  });

  it('builds in one stage and ships another: non-root, exec-form entry point, production dependencies', () => {
    assert.equal(stages.size, 2, 'a build stage and a runtime stage');
    const runtime = stages.get(finalStage) ?? [];
    const one = (keyword: string): Instruction => {
      const found = runtime.filter((i) => i.keyword === keyword);
      assert.equal(found.length, 1, `one ${keyword} in the runtime stage`);
      return found[0] as Instruction;
    };
    assert.match(one('USER').text, /^[1-9][0-9]*:[1-9][0-9]*$/, 'a numeric non-root uid:gid');
    assert.deepEqual(JSON.parse(one('ENTRYPOINT').text), ['node', '/app/bin/agent-governor.mjs']);
    assert.ok(existsSync(join(REPO_ROOT, 'bin', 'agent-governor.mjs')));
    assert.match(one('RUN').text, /^npm ci --omit=dev\b/);
    assert.ok(
      runtime
        .filter((i) => i.keyword === 'COPY' && i.flags['from'])
        .every((i) => i.flags['from'] === [...stages.keys()][0]),
      'the runtime copies compiled code from the build stage only',
    );
  });

  it('keeps every TypeScript source in the build context, and dependencies, output and history out', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const tsconfig = JSON.parse(readFileSync(join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
      exclude: string[];
    };
    for (const source of tsconfig.include)
      assert.ok(!ignored.includes(source), `${source} is compiled: keep it in the context`);
    for (const out of ['node_modules', 'dist', '.git'])
      assert.ok(ignored.includes(out), `${out} stays out of the context`);
  });

  it('runs the runtime stage in a clean copy: `npm ci --omit=dev` and the compiled code it copies', async () => {
    image = await runStage(stages.get(finalStage) ?? [], {
      context: REPO_ROOT,
      buildStageWorkdir: '/src',
      root: join(dir, 'root'),
      npmCache: join(dir, 'npm-cache'),
    });
    chmodSync(join(dir, 'root'), 0o755);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const app = join(image.root, 'app');
    for (const dependency of Object.keys(pkg.dependencies)) {
      assert.ok(existsSync(join(app, 'node_modules', dependency)), dependency);
    }
    const devOnly = Object.entries(lock.packages).filter(
      ([path, entry]) => path !== '' && entry.dev === true,
    );
    assert.ok(devOnly.length > 0, 'the lockfile marks dev-only packages');
    for (const [path] of devOnly) assert.ok(!existsSync(join(app, path)), `${path} is a dev dependency`);
    assert.ok(!existsSync(join(image.root, 'app', 'dist', 'e2e')), 'no e2e suites in the image');
    assert.ok(
      !existsSync(join(image.root, 'app', 'dist', 'cli', 'main.test.js')),
      'no compiled tests in the image',
    );
    assert.deepEqual(image.user, { uid: 65532, gid: 65532 });
  });

  it('answers --help for agent-governor, operator and sidecar, as uid 65532', async () => {
    assert.ok(image, 'the previous test built the copy');
    const help = await finished(runImage(image, image.cmd));
    assert.equal(help.code, 0, help.output);
    assert.match(help.output, /Usage: agent-governor/);
    for (const [command, flag] of [
      ['operator', '--sidecar-services-port'],
      ['sidecar', '--operator-url'],
    ] as const) {
      const answer = await finished(runImage(image, [command, '--help']));
      assert.equal(answer.code, 0, answer.output);
      assert.match(answer.output, new RegExp(flag));
    }
  });

  it('starts the operator from the copy against the real API server, and stops it cleanly', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, readFileSync(cluster.kubeconfig), { mode: 0o644 });
    const namespace = `image-${Date.now().toString(36)}`;
    await cluster.kubectl(['create', 'namespace', namespace], { check: true });
    try {
      const operator = runImage(image, [
        'operator',
        '--kubeconfig',
        kubeconfig,
        '--namespace',
        namespace,
        '--no-leader-elect',
        '--no-webhooks',
        ...LOOPBACK_PORTS,
      ]);
      children.push(operator);
      const output = await waitFor(operator, /agent-governor operator started .*probes (http:\S+)\/healthz/);
      const probes = /probes (http:\S+)\/healthz/.exec(output)?.[1];
      assert.equal((await fetch(`${probes}/healthz`)).status, 200);
      operator.kill('SIGTERM');
      const [code] = (await once(operator, 'exit')) as [number | null];
      assert.equal(code, 0);
    } finally {
      await cluster.kubectl(['delete', 'namespace', namespace, '--wait=false']);
    }
  });

  it('serves the sidecar from the copy (standalone config), and stops it cleanly', async () => {
    const config = join(dir, 'standalone.yaml');
    writeFileSync(config, readFileSync(join(REPO_ROOT, 'examples', 'sidecar', 'standalone.yaml')), {
      mode: 0o644,
    });
    const sidecar = runImage(image, ['sidecar', '--config', config, '--host', '127.0.0.1', '--port', '0'], {
      OPENAI_API_KEY: 'sk-test-not-used',
      UPSTREAM_BASE_URL: 'http://127.0.0.1:9/v1',
    });
    children.push(sidecar);
    const output = await waitFor(sidecar, /agent-governor sidecar listening on (http:\/\/\S+)/);
    const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
    sidecar.kill('SIGTERM');
    const [code] = (await once(sidecar, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
