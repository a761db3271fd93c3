import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

/** The repository root, from the compiled file's place in dist/testing/. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface ExampleDocument {
  file: string;
  object: Record<string, unknown>;
}

/** Every YAML document under examples/ (recursively), with the file it came from. */
export function exampleDocuments(dir = join(REPO_ROOT, 'examples')): ExampleDocument[] {
  const docs: ExampleDocument[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) docs.push(...exampleDocuments(path));
    else if (entry.name.endsWith('.yaml')) {
      for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
        if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
        const object = doc.toJS() as Record<string, unknown> | null;
        if (object) docs.push({ file: relative(REPO_ROOT, path), object });
      }
    }
  }
  return docs.sort((a, b) => a.file.localeCompare(b.file));
}

/**
 * Examples that are Kubernetes objects of this cluster (not the sidecar's standalone config files,
 * nor examples/gitops/, which are objects of Argo CD and Flux, applied where they run).
 */
export function clusterExampleDocuments(): ExampleDocument[] {
  return exampleDocuments().filter(
    (d) =>
      !String(d.object['apiVersion']).startsWith('config.governor.agents.dev/') &&
      !d.file.startsWith('examples/gitops/'),
  );
}

/** The single example of `kind` in `file` (relative to examples/). */
export function example(file: string): Record<string, unknown> {
  const found = exampleDocuments().find((d) => d.file === `examples/${file}`);
  if (!found) throw new Error(`examples/${file} not found`);
  return structuredClone(found.object);
}
