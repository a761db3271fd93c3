// Which of the chart's resources a local run installs. The rendered install manifest (generated from
// charts/agent-governor) holds everything `kubectl apply -f` needs in a real cluster; here no kubelet
// runs pods, so the operator runs out of cluster as a process instead of the chart's Deployment, and
// it registers its own webhook configurations pointing at itself. The demo applies the CRDs, the
// namespace, the ServiceAccount and the RBAC, and says what it left out.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** Where the generated manifest lives, newest convention first. */
export const INSTALL_MANIFEST_PATHS = ['deploy/install.yaml', 'dist/install.yaml'] as const;

/** Kinds a local run applies from the manifest. */
export const LOCAL_KINDS = new Set([
  'CustomResourceDefinition',
  'Namespace',
  'ServiceAccount',
  'ClusterRole',
  'ClusterRoleBinding',
  'Role',
  'RoleBinding',
]);

export type ManifestObject = {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
} & Record<string, unknown>;

export interface LocalInstall {
  /** Applied, in manifest order (CRDs and namespaces first, as the chart renders them). */
  apply: ManifestObject[];
  /** Left out, as `Kind/name`. */
  skipped: string[];
}

/** The install manifest of the package, or undefined when it has not been generated. */
export function findInstallManifest(packageRoot: string): string | undefined {
  return INSTALL_MANIFEST_PATHS.map((path) => join(packageRoot, path)).find((path) => existsSync(path));
}

export function readManifest(path: string): ManifestObject[] {
  const objects: ManifestObject[] = [];
  for (const document of parseAllDocuments(readFileSync(path, 'utf8'))) {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors[0]?.message}`);
    const object = document.toJS() as ManifestObject | null;
    if (object && typeof object === 'object') objects.push(object);
  }
  return objects;
}

/** Splits the manifest into what a local run applies and what it leaves out. Pure. */
export function localInstall(objects: readonly ManifestObject[]): LocalInstall {
  const apply: ManifestObject[] = [];
  const skipped: string[] = [];
  for (const object of objects) {
    if (object.kind && LOCAL_KINDS.has(object.kind)) apply.push(object);
    else skipped.push(`${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`);
  }
  return { apply, skipped };
}
