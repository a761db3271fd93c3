// The file mode end to end: hot reload of the config (and a bad edit that keeps the last good
// policy), start-up errors naming file, line and field, and the real CLI
// (`node bin/agent-governor.mjs sidecar --config examples/sidecar/standalone.yaml`) serving the
// OpenAI SDK as shipped, stopping gracefully on SIGTERM, and its --metrics-port listener.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startSidecar } from '../../sidecar/main.js';
import { type MockLlm, startMockLlm } from '../../testing/mock-llm.js';
import { REPO_ROOT } from '../../testing/repo-files.js';
import { openAIRoute, type SidecarFixture, startSidecarFixture } from '../../testing/sidecar-fixture.js';

const BIN = join(REPO_ROOT, 'bin', 'agent-governor.mjs');
const EXAMPLE = join(REPO_ROOT, 'examples', 'sidecar', 'standalone.yaml');

describe('config file and CLI', () => {
  let a: MockLlm;
  let b: MockLlm;
  before(async () => {
    a = await startMockLlm({ reply: 'from a' });
    b = await startMockLlm({ reply: 'from b' });
  });
  after(async () => {
    await a?.close();
    await b?.close();
  });

  describe('hot reload', () => {
    let fx: SidecarFixture;
    before(async () => {
      fx = await startSidecarFixture({ routes: [openAIRoute('gpt-4o', a.baseUrl)] });
    });
    after(() => fx?.close());

    it('applies an edited file to the next calls, and keeps the last good policy on a bad edit', async () => {
      const openai = new OpenAI({ baseURL: fx.baseURL, apiKey: 'agent', maxRetries: 0 });
      const ask = () =>
        openai.chat.completions
          .create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] })
          .withResponse();
      const first = await ask();
      assert.equal(first.data.choices[0]?.message.content, 'from a');
      const version = first.response.headers.get('x-governor-policy-version');

      fx.writeConfig({ routes: [openAIRoute('gpt-4o', b.baseUrl)] });
      let answer = '';
      for (let i = 0; i < 100 && answer !== 'from b'; i++) {
        await sleep(50);
        answer = (await ask()).data.choices[0]?.message.content ?? '';
      }
      assert.equal(answer, 'from b', 'the reload took effect within 5 s');
      assert.notEqual((await ask()).response.headers.get('x-governor-policy-version'), version);

      writeFileSync(
        fx.configFile,
        'apiVersion: config.governor.agents.dev/v1alpha1\nkind: SidecarConfig\nroutes:\n  - model: gpt-4o\n    targets: nope\n',
      );
      let logged: Record<string, unknown> | undefined;
      for (let i = 0; i < 100 && !logged; i++) {
        await sleep(50);
        logged = fx.logLines().find((l) => String(l['msg']).startsWith('policy update failed'));
      }
      assert.match(String(logged?.['error']), /sidecar\.yaml:5:14: routes\[0\]\.targets: /);
      assert.equal(
        (await ask()).data.choices[0]?.message.content,
        'from b',
        'the last good policy still serves',
      );
    });
  });

  it('refuses to start on a bad config, naming file, line and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-config-'));
    try {
      const file = join(dir, 'sidecar.yaml');
      writeFileSync(
        file,
        [
          'apiVersion: config.governor.agents.dev/v1alpha1',
          'kind: SidecarConfig',
          'routes:',
          '  - model: gpt-4o',
          '    targets:',
          '      - name: primary',
          '        provider: OpenAl',
          '        endpoint: https://api.openai.com/v1',
        ].join('\n'),
      );
      await assert.rejects(startSidecar({ config: file, port: 0 }), (err: Error) => {
        assert.match(
          err.message,
          new RegExp(`${file.replaceAll('/', '\\/')}:7:19: routes\\[0\\]\\.targets\\[0\\]\\.provider: `),
        );
        return true;
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('the CLI with the shipped example', () => {
    let child: ChildProcess;
    let url: string;
    let stdout = '';
    let exited: Promise<number | null>;
    before(async () => {
      child = spawn(process.execPath, [BIN, 'sidecar', '--config', EXAMPLE, '--port', '0'], {
        env: { ...process.env, UPSTREAM_BASE_URL: a.baseUrl, OPENAI_API_KEY: 'sk-example-key' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      child.stdout?.on('data', (d) => {
        stdout += d.toString();
      });
      for (let i = 0; i < 200 && !/listening on (http:\S+)/.test(stdout); i++) await sleep(25);
      const match = /agent-governor sidecar listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      assert.ok(match, `no listening line in: ${stdout}`);
      url = match[1] as string;
    });
    after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    it('serves the OpenAI SDK as shipped, with the key from the environment', async () => {
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'agent', maxRetries: 0 });
      for (const model of ['gpt-4o', 'any-other-model']) {
        const { data, response } = await openai.chat.completions
          .create({ model, messages: [{ role: 'user', content: 'hello' }] })
          .withResponse();
        assert.equal(data.choices[0]?.message.content, 'from a');
        assert.equal(response.headers.get('x-governor-route'), model === 'gpt-4o' ? 'gpt-4o' : 'default');
        assert.equal(a.served.at(-1)?.headers['authorization'], 'Bearer sk-example-key');
      }
      assert.doesNotMatch(stdout, /sk-example-key/, 'the key is never logged');
    });

    it('finishes a call in flight on SIGTERM, then exits 0', async () => {
      const openai = new OpenAI({ baseURL: `${url}/v1`, apiKey: 'agent', maxRetries: 0 });
      a.enqueue({ kind: 'delay', ms: 400 });
      const inFlight = openai.chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'slow' }],
      });
      await sleep(100);
      child.kill('SIGTERM');
      const answer = await inFlight;
      assert.equal(answer.choices[0]?.message.content, 'from a');
      assert.equal(await exited, 0);
    });
  });

  describe('the CLI with --metrics-port', () => {
    let child: ChildProcess;
    let stdout = '';
    before(async () => {
      child = spawn(
        process.execPath,
        [
          BIN,
          'sidecar',
          '--config',
          EXAMPLE,
          '--port',
          '0',
          '--metrics-port',
          '0',
          '--metrics-host',
          '127.0.0.1',
        ],
        {
          env: { ...process.env, UPSTREAM_BASE_URL: a.baseUrl, OPENAI_API_KEY: 'sk-example-key' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      child.stdout?.on('data', (d) => {
        stdout += d.toString();
      });
      for (let i = 0; i < 200 && !/metrics on http:\S+/.test(stdout); i++) await sleep(25);
    });
    after(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    it('prints both addresses; the metrics port serves the scrape and refuses the proxy paths', async () => {
      const proxy = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      const metrics = /metrics on (http:\/\/127\.0\.0\.1:\d+)\/metrics/.exec(stdout)?.[1];
      assert.ok(proxy && metrics, `both addresses in: ${stdout}`);
      assert.notEqual(metrics, proxy);
      const openai = new OpenAI({ baseURL: `${proxy}/v1`, apiKey: 'agent', maxRetries: 0 });
      await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
      const served = a.served.length;
      const scrape = await (await fetch(`${metrics}/metrics`)).text();
      assert.match(scrape, /^governor_sidecar_requests_total\{.*route="gpt-4o".*\} 1$/m);
      const refused = new OpenAI({ baseURL: `${metrics}/v1`, apiKey: 'agent', maxRetries: 0 });
      await assert.rejects(
        refused.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'spend' }] }),
        (err: { status?: number }) => err.status === 404,
      );
      assert.equal(a.served.length, served, 'nothing reached the provider through the metrics port');
    });
  });

  const runCli = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [BIN, 'sidecar', ...args], {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr?.on('data', (d) => {
        stderr += d.toString();
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });

  it('exits 1 naming the variable, file and line when a key variable is unset', async () => {
    const env = { ...process.env };
    delete env['OPENAI_API_KEY'];
    const { code, stderr } = await runCli(['--config', EXAMPLE, '--port', '0'], env);
    assert.equal(code, 1);
    assert.match(stderr, /standalone\.yaml:\d+:\d+: environment variable OPENAI_API_KEY is not set/);
  });

  it('exits 1 with usage help for contradictory flags', async () => {
    const { code, stderr } = await runCli(
      ['--config', EXAMPLE, '--operator-url', 'http://127.0.0.1:1'],
      process.env,
    );
    assert.notEqual(code, 0);
    assert.match(stderr, /cannot be used with/);
    const port = await runCli(['--config', EXAMPLE, '--port', 'eighty'], process.env);
    assert.notEqual(port.code, 0);
    assert.match(port.stderr, /must be a port from 0 to 65535/);
    const metricsPort = await runCli(['--config', EXAMPLE, '--metrics-port', '70000'], process.env);
    assert.notEqual(metricsPort.code, 0);
    assert.match(metricsPort.stderr, /--metrics-port <port>.*must be a port from 0 to 65535/);
  });
});
