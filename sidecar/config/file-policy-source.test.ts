// biome-ignore-all lint/suspicious/noTemplateCurlyInString: config files use ${VAR} interpolation, written literally here
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EffectivePolicy } from '../../apis/effective-policy.js';
import { FilePolicySource } from './file-policy-source.js';

const dir = mkdtempSync(join(tmpdir(), 'file-policy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const config = (model: string, extra = '') =>
  [
    'apiVersion: config.governor.agents.dev/v1alpha1',
    'kind: SidecarConfig',
    'routes:',
    `  - model: ${model}`,
    '    targets:',
    '      - name: primary',
    '        provider: OpenAI',
    '        endpoint: ${BASE:-http://127.0.0.1:1/v1}',
    extra,
  ].join('\n');

/** Waits (at most ~5 s) until `check` holds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await sleep(50);
  assert.ok(check(), 'condition not reached within 5 s');
}

describe('FilePolicySource', () => {
  it('refuses to start on a bad file, naming file and line', async () => {
    const path = join(dir, 'bad.yaml');
    writeFileSync(path, config('gpt-4o', 'budgets: 5'));
    const source = new FilePolicySource({ file: path });
    await assert.rejects(source.start(), /bad\.yaml:9:10: budgets: /);
  });

  it('reloads on change, keeps the last good policy on a bad edit, and follows editors that rename', async () => {
    const path = join(dir, 'sidecar.yaml');
    writeFileSync(path, config('gpt-4o'));
    const errors: Error[] = [];
    const seen: EffectivePolicy[] = [];
    const source = new FilePolicySource({
      file: path,
      env: {},
      debounceMs: 20,
      onError: (e) => errors.push(e),
    });
    source.onChange((p) => seen.push(p));
    await source.start();
    try {
      assert.equal(source.current().routes[0]?.model, 'gpt-4o');
      const firstVersion = source.current().version;

      writeFileSync(path, config('gpt-4o-mini'));
      await eventually(() => source.current().routes[0]?.model === 'gpt-4o-mini');
      assert.notEqual(source.current().version, firstVersion);

      writeFileSync(path, config('broken', '    retries: { attempts: -1 }'));
      await eventually(() => errors.length > 0);
      assert.match(errors[0]?.message ?? '', /sidecar\.yaml:9:\d+: routes\[0\]\.retries\.attempts: /);
      assert.equal(source.current().routes[0]?.model, 'gpt-4o-mini', 'the last good policy stays');

      const temp = join(dir, '.sidecar.yaml.swp');
      writeFileSync(temp, config('claude-sonnet-4'));
      renameSync(temp, path);
      await eventually(() => source.current().routes[0]?.model === 'claude-sonnet-4');
      assert.deepEqual(
        seen.map((p) => p.routes[0]?.model),
        ['gpt-4o-mini', 'claude-sonnet-4'],
      );
    } finally {
      await source.stop();
    }
  });

  it('does not announce a change when the text is the same', async () => {
    const path = join(dir, 'same.yaml');
    writeFileSync(path, config('gpt-4o'));
    const source = new FilePolicySource({ file: path, env: {} });
    await source.start();
    let changes = 0;
    source.onChange(() => changes++);
    writeFileSync(path, config('gpt-4o'));
    assert.equal(source.reload(), false);
    assert.equal(changes, 0);
    await source.stop();
  });
});
