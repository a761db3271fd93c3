// The import boundaries between the top-level folders, checked rather than only written down. Each
// folder's README.md carries one line, `May import: \`apis/\`, \`runtime/\`.` (or `nothing of the
// project`, or `anything`); that line is the rule. dependency-cruiser reads the import graph (static
// and dynamic imports, `import type` too), and every edge a rule forbids is a violation.
//
// Tests (`*.test.ts`) and `testdata/` are the exception: they may import any product folder and
// `testing/` (a table shared by a webhook and a controller is how the two are kept in agreement),
// but never `e2e/` or `bench/`. Nothing outside `e2e/` imports from `e2e/`.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { cruise, type IForbiddenRuleType } from 'dependency-cruiser';

/** What a folder's README allows: a list of folders, or anything. */
export type Allowed = { anything: true } | { anything: false; folders: string[] };

export interface FolderRule {
  folder: string;
  allowed: Allowed;
}

export interface ImportViolation {
  from: string;
  to: string;
  /** Why it is refused, naming the README line that says so. */
  reason: string;
}

const MAY_IMPORT = /^May import:\s*(.*)$/m;

/** Folders holding TypeScript that are not code of their own (generated output, packages). */
const NOT_CODE = new Set(['node_modules', 'dist', 'coverage']);

/**
 * The `May import:` line of a README, or undefined when it has none. Folder names are written in
 * backticks with a trailing slash; `anything` allows every folder, `nothing of the project` none.
 * What follows `Never` names folders for the reader; everything not listed is refused anyway.
 */
export function parseMayImport(readme: string): Allowed | undefined {
  const line = MAY_IMPORT.exec(readme)?.[1];
  if (line === undefined) return undefined;
  if (/^anything\b/i.test(line.trim())) return { anything: true };
  const granted = line.split(/\bNever\b/)[0] as string;
  const folders = [...granted.matchAll(/`([a-z0-9-]+)\/`/g)].map((m) => m[1] as string);
  return { anything: false, folders };
}

function hasTypeScript(dir: string): boolean {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.ts')) return true;
    if (entry.isDirectory() && !entry.name.startsWith('.') && hasTypeScript(join(dir, entry.name)))
      return true;
  }
  return false;
}

/**
 * The rule of every top-level folder that holds TypeScript. A code folder without a README or
 * without a `May import:` line is an error: a new folder gets its rule when it is made.
 */
export function readFolderRules(root: string): FolderRule[] {
  const rules: FolderRule[] = [];
  const missing: string[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    if (folder.startsWith('.') || NOT_CODE.has(folder) || !statSync(dir).isDirectory()) continue;
    if (!hasTypeScript(dir)) continue;
    let readme: string;
    try {
      readme = readFileSync(join(dir, 'README.md'), 'utf8');
    } catch {
      missing.push(`${folder}/README.md does not exist`);
      continue;
    }
    const allowed = parseMayImport(readme);
    if (!allowed) missing.push(`${folder}/README.md has no "May import:" line`);
    else rules.push({ folder, allowed });
  }
  if (missing.length > 0) {
    throw new Error(`every top-level code folder states what it may import: ${missing.join('; ')}`);
  }
  return rules;
}

const TEST_FILE = '(\\.test\\.ts$|/testdata/)';

function anyOf(folders: readonly string[]): string {
  return `^(${folders.map((f) => f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})/`;
}

/** dependency-cruiser's forbidden rules for the folders' rules. Rule names carry the folder. */
export function forbiddenRules(rules: readonly FolderRule[]): IForbiddenRuleType[] {
  const all = rules.map((r) => r.folder);
  const forbidden: IForbiddenRuleType[] = [
    {
      name: 'e2e-is-a-leaf',
      comment: 'only scenario suites live in e2e/; nothing outside it imports from it',
      severity: 'error',
      from: { pathNot: '^e2e/' },
      to: { path: '^e2e/' },
    },
  ];
  const leaves = all.filter((f) => f === 'bench' || f === 'e2e');
  if (leaves.length > 0) {
    forbidden.push({
      name: 'tests-import-no-suites-or-benchmarks',
      comment: 'tests may import any product folder and testing/, not suites or benchmarks',
      severity: 'error',
      from: { path: TEST_FILE, pathNot: anyOf(leaves) },
      to: { path: anyOf(leaves) },
    });
  }
  for (const { folder, allowed } of rules) {
    if (allowed.anything) continue;
    const refused = all.filter((f) => f !== folder && !allowed.folders.includes(f));
    if (refused.length === 0) continue;
    forbidden.push({
      name: `folder:${folder}`,
      severity: 'error',
      from: { path: `^${folder}/`, pathNot: TEST_FILE },
      to: { path: anyOf(refused) },
    });
  }
  return forbidden;
}

function reasonFor(ruleName: string, rules: readonly FolderRule[]): string {
  if (ruleName === 'e2e-is-a-leaf') return 'nothing outside e2e/ imports from e2e/ (e2e/README.md)';
  if (ruleName === 'tests-import-no-suites-or-benchmarks') {
    return 'tests import product folders and testing/, never e2e/ or bench/ (tools/import-rules.ts)';
  }
  const folder = ruleName.replace(/^folder:/, '');
  const rule = rules.find((r) => r.folder === folder);
  const allowed =
    rule && !rule.allowed.anything && rule.allowed.folders.length > 0
      ? rule.allowed.folders.map((f) => `${f}/`).join(', ')
      : 'nothing of the project';
  return `${folder}/ may import ${allowed} (${folder}/README.md)`;
}

/** Every import across the folders of `root` that their READMEs forbid. */
export async function checkImports(root: string): Promise<ImportViolation[]> {
  const rules = readFolderRules(root);
  const folders = rules.map((r) => r.folder);
  const result = await cruise(
    folders,
    {
      baseDir: root,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
      exclude: { path: ['node_modules', '^dist/'] },
      includeOnly: anyOf(folders),
      validate: true,
      ruleSet: { forbidden: forbiddenRules(rules) },
    },
    { extensions: ['.ts', '.js', '.mjs'], extensionAlias: { '.js': ['.ts', '.js'] } },
  );
  if (typeof result.output === 'string') throw new Error('dependency-cruiser answered text, not a result');
  return result.output.summary.violations
    .filter((v) => v.type === 'dependency')
    .map((v) => ({ from: v.from, to: v.to, reason: reasonFor(v.rule.name, rules) }));
}
