/**
 * The files a container sees from ConfigMaps mounted as volumes, the way the kubelet lays them out:
 * a `configMap` volume or the `configMap` sources of a `projected` volume, every key as a file named
 * after it (or, with `items`, only the listed keys, at their `path`), under each `volumeMount` of the
 * volume — a `subPath` mount shows one file or one directory of the volume. Endpoint configuration
 * delivered as a file is as much a destination as an env var (ARCHITECTURE.md, "Data residency").
 * Secret volumes are not read: the operator may not read Secrets (see pod-destinations.ts). Pure.
 */

export interface KeyToPath {
  key: string;
  path: string;
}

export interface ConfigMapProjection {
  name: string;
  items?: KeyToPath[];
  optional?: boolean;
}

/** The parts of a pod volume that can hold a ConfigMap. */
export interface VolumeLike {
  name: string;
  configMap?: ConfigMapProjection;
  projected?: { sources?: Array<{ configMap?: ConfigMapProjection } & Record<string, unknown>> };
}

export interface VolumeMountLike {
  name: string;
  mountPath: string;
  subPath?: string;
  /** Expanded by the kubelet from the container's env; read here as if absent (the whole volume). */
  subPathExpr?: string;
}

/** One file of a mounted ConfigMap, as the container sees it. */
export interface MountedConfigFile {
  /** Absolute path in the container. */
  path: string;
  configMap: string;
  key: string;
  content: string;
}

type ConfigMapData = Readonly<Record<string, Readonly<Record<string, string>> | undefined>>;

/**
 * A ConfigMap mount not to read: `(container, configMap) => true` — the operator's own mounts (the
 * injected sidecar's policy mirror), judged where their content comes from.
 */
export type SkippedMount = (container: string, configMap: string) => boolean;

/**
 * The ConfigMap Kubernetes publishes in every namespace and projects into every pod's
 * ServiceAccount volume: the cluster's CA certificate, never an endpoint. Not read.
 */
export const KUBE_ROOT_CA = 'kube-root-ca.crt';

/** The ConfigMaps a volume projects (its configMap, or the configMap sources of a projected volume). */
export function configMapsOfVolume(volume: VolumeLike): ConfigMapProjection[] {
  const found: ConfigMapProjection[] = [];
  const keep = (projection: ConfigMapProjection | undefined) => {
    if (projection?.name && projection.name !== KUBE_ROOT_CA) found.push(projection);
  };
  keep(volume.configMap);
  for (const source of volume.projected?.sources ?? []) keep(source.configMap);
  return found;
}

/** The names of the ConfigMaps the containers mount (volumes no container mounts are never seen). */
export function mountedConfigMapNames(
  volumes: readonly VolumeLike[] | undefined,
  containers: ReadonlyArray<{ name: string; volumeMounts?: readonly VolumeMountLike[] | undefined }>,
  skip?: SkippedMount,
): string[] {
  if (!volumes?.length) return [];
  const byName = new Map(volumes.map((v) => [v.name, v]));
  const names: string[] = [];
  for (const container of containers) {
    for (const mount of container.volumeMounts ?? []) {
      const volume = byName.get(mount.name);
      if (!volume) continue;
      for (const projection of configMapsOfVolume(volume))
        if (!skip?.(container.name, projection.name)) names.push(projection.name);
    }
  }
  return names;
}

/** Every ConfigMap file the container sees, in mount order; ConfigMaps not given are skipped. */
export function mountedConfigFiles(
  container: { name: string; volumeMounts?: readonly VolumeMountLike[] | undefined },
  volumes: readonly VolumeLike[] | undefined,
  configMaps: ConfigMapData | undefined,
  skip?: SkippedMount,
): MountedConfigFile[] {
  const mounts = container.volumeMounts;
  if (!mounts?.length || !volumes?.length) return [];
  const byName = new Map(volumes.map((v) => [v.name, v]));
  const files: MountedConfigFile[] = [];
  for (const mount of mounts) {
    const volume = byName.get(mount.name);
    if (!volume) continue;
    for (const projection of configMapsOfVolume(volume)) {
      if (skip?.(container.name, projection.name)) continue;
      const data = configMaps?.[projection.name];
      if (!data) continue;
      const entries = projection.items?.length
        ? projection.items.map((item) => ({ key: item.key, relative: item.path }))
        : Object.keys(data).map((key) => ({ key, relative: key }));
      for (const { key, relative } of entries) {
        const content = data[key];
        if (content === undefined) continue;
        const path = pathInContainer(mount, normalise(relative));
        if (path !== undefined) files.push({ path, configMap: projection.name, key, content });
      }
    }
  }
  return files;
}

/** Where a file at `relative` in the volume appears under the mount; undefined when a subPath hides it. */
function pathInContainer(mount: VolumeMountLike, relative: string): string | undefined {
  const base = mount.mountPath.replace(/\/+$/, '');
  const sub = mount.subPath ? normalise(mount.subPath) : '';
  if (sub === '') return `${base}/${relative}`;
  if (relative === sub) return base === '' ? '/' : base;
  if (relative.startsWith(`${sub}/`)) return `${base}/${relative.slice(sub.length + 1)}`;
  return undefined;
}

function normalise(path: string): string {
  return path.replace(/^\/+|\/+$/g, '').replace(/\/{2,}/g, '/');
}
