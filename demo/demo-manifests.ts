// The manifests the demo applies: every examples/demo/*.yaml in file-name order, as a reader would
// `kubectl apply -f` them, with one change — the FallbackRoute's targets point at the local mock
// providers instead of the real endpoints (their URLs are only known once the mocks listen).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type ManifestObject, readManifest } from './install-manifest.js';

/** The workload the residency policy refuses, kept apart from the manifests applied as a whole. */
export const REFUSED_MANIFEST = join('refused', 'us-endpoint-agent.yml');

export function readDemoManifests(dir: string): ManifestObject[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .flatMap((file) => readManifest(join(dir, file)));
}

interface RouteTarget {
  name?: string;
  endpoint?: string;
}

/**
 * The objects with each FallbackRoute target named in `endpoints` pointed at that URL; throws when
 * a named target is in no route (the manifests and the demo disagree). Pure: returns copies.
 */
export function withTargetEndpoints(
  objects: readonly ManifestObject[],
  endpoints: Readonly<Record<string, string>>,
): ManifestObject[] {
  const replaced = new Set<string>();
  const result = objects.map((object) => {
    if (object.kind !== 'FallbackRoute') return object;
    const copy = structuredClone(object) as ManifestObject & { spec?: { targets?: RouteTarget[] } };
    for (const target of copy.spec?.targets ?? []) {
      const url = target.name === undefined ? undefined : endpoints[target.name];
      if (url === undefined || target.name === undefined) continue;
      target.endpoint = url;
      replaced.add(target.name);
    }
    return copy;
  });
  const missing = Object.keys(endpoints).filter((name) => !replaced.has(name));
  if (missing.length > 0) {
    throw new Error(
      `no FallbackRoute in the demo manifests has the target(s) ${missing.join(', ')}; ` +
        'examples/demo/ and demo/demo-context.ts must name the same targets',
    );
  }
  return result;
}
