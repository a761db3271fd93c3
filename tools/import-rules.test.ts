import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../testing/repo-files.js';
import { checkImports, forbiddenRules, parseMayImport, readFolderRules } from './import-rules.js';

describe('the import rules of this repository', () => {
  it('hold: no folder imports what its README does not allow', async () => {
    const violations = await checkImports(REPO_ROOT);
    assert.deepEqual(
      violations.map((v) => `${v.from} imports ${v.to}: ${v.reason}`),
      [],
    );
  });

  it('cover every top-level code folder', () => {
    const folders = readFolderRules(REPO_ROOT).map((r) => r.folder);
    for (const folder of [
      'apis',
      'runtime',
      'agents',
      'controllers',
      'webhooks',
      'sidecar',
      'e2e',
      'testing',
    ]) {
      assert.ok(folders.includes(folder), `${folder}/README.md states what it may import`);
    }
  });
});

describe('parseMayImport', () => {
  const cases: Array<[string, ReturnType<typeof parseMayImport>]> = [
    ['May import: `apis/`, `runtime/`.', { anything: false, folders: ['apis', 'runtime'] }],
    [
      'Some text.\nMay import: nothing of the project (zod and Node built-ins).',
      { anything: false, folders: [] },
    ],
    ['May import: anything.', { anything: true }],
    ['May import: `apis/`. Never `runtime/`.', { anything: false, folders: ['apis'] }],
    ['No rule here.', undefined],
  ];
  for (const [readme, expected] of cases) {
    it(JSON.stringify(readme), () => assert.deepEqual(parseMayImport(readme), expected));
  }
});

describe('checkImports on a planted tree', () => {
  const root = mkdtempSync(join(tmpdir(), 'import-rules-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };
  write('apis/README.md', 'May import: nothing of the project.\n');
  write('apis/kind.ts', 'export const kind = 1;\n');
  write('runtime/README.md', 'May import: nothing of the project.\n');
  write('runtime/client.ts', 'export const client = 1;\n');
  write('sidecar/README.md', 'May import: `apis/`.\n');
  write(
    'sidecar/proxy.ts',
    "import { kind } from '../apis/kind.js';\nimport { client } from '../runtime/client.js';\nexport const x = kind + client;\n",
  );
  write(
    'sidecar/proxy.test.ts',
    "import { client } from '../runtime/client.js';\nexport const y = client;\n",
  );
  write('e2e/README.md', 'May import: anything.\n');
  write('e2e/suite.test.ts', "import { x } from '../sidecar/proxy.js';\nexport const z = x;\n");
  write('e2e/fixture.ts', 'export const f = 1;\n');
  write('runtime/uses-e2e.ts', "import { f } from '../e2e/fixture.js';\nexport const g = f;\n");

  it('reports each forbidden import, naming the README that forbids it', async () => {
    const violations = await checkImports(root);
    assert.deepEqual(violations.map((v) => `${v.from} -> ${v.to}: ${v.reason}`).sort(), [
      'runtime/uses-e2e.ts -> e2e/fixture.ts: nothing outside e2e/ imports from e2e/ (e2e/README.md)',
      'runtime/uses-e2e.ts -> e2e/fixture.ts: runtime/ may import nothing of the project (runtime/README.md)',
      'sidecar/proxy.ts -> runtime/client.ts: sidecar/ may import apis/ (sidecar/README.md)',
    ]);
  });

  it('refuses a code folder that states no rule', () => {
    write('orphan/thing.ts', 'export const t = 1;\n');
    assert.throws(() => readFolderRules(root), /orphan\/README\.md does not exist/);
    rmSync(join(root, 'orphan'), { recursive: true });
  });

  it('gives tests the product folders but never suites or benchmarks', () => {
    const rules = forbiddenRules([
      { folder: 'sidecar', allowed: { anything: false, folders: ['apis'] } },
      { folder: 'bench', allowed: { anything: true } },
      { folder: 'e2e', allowed: { anything: true } },
    ]);
    const tests = rules.find((r) => r.name === 'tests-import-no-suites-or-benchmarks');
    assert.deepEqual(tests && 'to' in tests ? tests.to : undefined, { path: '^(bench|e2e)/' });
  });
});
