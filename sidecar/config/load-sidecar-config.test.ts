// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files use ${VAR} interpolation, written literally here
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError } from './config-error.js';
import { loadSidecarConfig } from './load-sidecar-config.js';

const dir = mkdtempSync(join(tmpdir(), 'sidecar-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
}

const HEAD = ['apiVersion: config.governor.agents.dev/v1alpha1', 'kind: SidecarConfig'];
const ROUTE = [
  'routes:',
  '  - model: gpt-4o',
  '    targets:',
  '      - name: primary',
  '        provider: OpenAI',
  '        endpoint: ${BASE:-https://api.openai.com/v1}',
  '        apiKey: ${OPENAI_API_KEY}',
];

function problemOf(path: string, env: Record<string, string> = { OPENAI_API_KEY: 'sk-x' }): ConfigError {
  try {
    loadSidecarConfig(path, { env });
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err;
  }
  assert.fail('expected a ConfigError');
}

describe('loadSidecarConfig', () => {
  it('loads a valid file into a policy whose version is the hash of its text', () => {
    const path = file('ok.yaml', [...HEAD, ...ROUTE]);
    const first = loadSidecarConfig(path, { env: { OPENAI_API_KEY: 'sk-x', BASE: 'http://127.0.0.1:9/v1' } });
    assert.equal(first.policy.routes[0]?.targets[0]?.baseUrl, 'http://127.0.0.1:9/v1');
    assert.deepEqual(first.policy.routes[0]?.targets[0]?.credentials, { apiKey: 'sk-x' });
    assert.match(first.policy.version, /^[0-9a-f]{12}$/);
    assert.equal(first.digest, first.policy.version);
  });

  const cases: [string, string[], RegExp][] = [
    [
      'an unset variable, by name and line',
      [...HEAD, ...ROUTE],
      /bad-0\.yaml:9:17: environment variable OPENAI_API_KEY is not set/,
    ],
    [
      'a wrong kind',
      ['apiVersion: config.governor.agents.dev/v1alpha1', 'kind: FallbackRoute', ...ROUTE],
      /bad-1\.yaml:2:7: kind: must be SidecarConfig/,
    ],
    ['no routes', [...HEAD, 'routes: []'], /bad-2\.yaml:3:9: routes: needs at least one route/],
    [
      'a bad endpoint, with the field path',
      [...HEAD, ...ROUTE.slice(0, 5), '        endpoint: ftp://example.com', ...ROUTE.slice(6)],
      /bad-3\.yaml:8:19: routes\[0\]\.targets\[0\]\.endpoint: must be an http\(s\) base URL/,
    ],
    [
      'a typo in a field name',
      [...HEAD, ...ROUTE, '    timeout: 10s'],
      /bad-4\.yaml:4:5: routes\[0\]: Unrecognized key: "timeout"/,
    ],
    [
      'a missing provider, at the target',
      [...HEAD, ...ROUTE.slice(0, 4), ...ROUTE.slice(5)],
      /bad-5\.yaml:6:9: routes\[0\]\.targets\[0\]\.provider: /,
    ],
    [
      'a budget rule',
      [...HEAD, ...ROUTE, 'budgets:', '  - name: daily', '    limits: {}'],
      /bad-6\.yaml:12:13: budgets\[0\]\.limits: set limits\.tokens, limits\.cost or both/,
    ],
    [
      'a key file that does not exist',
      [...HEAD, ...ROUTE.slice(0, 6), '        apiKeyFile: /nonexistent/key'],
      /bad-7\.yaml:9:21: routes\[0\]\.targets\[0\]\.apiKeyFile: \/nonexistent\/key is not a readable file/,
    ],
    ['YAML that is not a mapping', ['- just', '- a list'], /bad-8\.yaml:1: expected a SidecarConfig mapping/],
  ];
  cases.forEach(([name, lines, message], i) => {
    it(`names file, line and field of ${name}`, () => {
      const env: Record<string, string> = i === 0 ? {} : { OPENAI_API_KEY: 'sk-x' };
      assert.match(problemOf(file(`bad-${i}.yaml`, lines), env).message, message);
    });
  });

  it('says when the file cannot be read', () => {
    assert.match(
      problemOf(join(dir, 'missing.yaml')).message,
      /missing\.yaml: cannot read the config file: no such file/,
    );
  });

  it('never puts the key in an error message', () => {
    const path = file('leak.yaml', [...HEAD, ...ROUTE, '    bogus: ${OPENAI_API_KEY}']);
    const err = problemOf(path, { OPENAI_API_KEY: 'sk-very-secret' });
    assert.doesNotMatch(err.message, /sk-very-secret/);
  });
});
