// A resource the runtime can list, watch and change: where it lives in the API and what its
// objects look like (a phantom type, so `client.get(deployments, key)` returns a V1Deployment).
import type { KubeObject, ObjectKey } from './kube-object.js';

export interface ResourceType<T extends KubeObject = KubeObject> {
  /** API group; '' for the core group (ConfigMaps, Namespaces, …). */
  group: string;
  version: string;
  /** The lower-case plural in URLs: `deployments`, `tokenbudgets`. */
  plural: string;
  kind: string;
  namespaced: boolean;
  /** Never set; carries T for type inference only. */
  readonly objectType?: T;
}

export function resourceType<T extends KubeObject>(definition: Omit<ResourceType<T>, 'objectType'>) {
  return definition as ResourceType<T>;
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(resource: ResourceType): string {
  return resource.group ? `${resource.group}/${resource.version}` : resource.version;
}

/** `deployments.apps`, `configmaps`: the name kubectl and RBAC rules use, and metric labels show. */
export function resourceName(resource: ResourceType): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** The collection URL path, across all namespaces when `namespace` is undefined. */
export function collectionPath(resource: ResourceType, namespace?: string): string {
  const base = resource.group ? `/apis/${resource.group}/${resource.version}` : `/api/${resource.version}`;
  if (!resource.namespaced || namespace === undefined) return `${base}/${resource.plural}`;
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${resource.plural}`;
}

/** The URL path of one object, optionally of a subresource (`status`, `scale`). */
export function objectPath(resource: ResourceType, key: ObjectKey, subresource?: string): string {
  if (resource.namespaced && !key.namespace) {
    throw new Error(`${resourceName(resource)} is namespaced: the key of "${key.name}" needs a namespace`);
  }
  const collection = collectionPath(resource, resource.namespaced ? key.namespace : undefined);
  const path = `${collection}/${encodeURIComponent(key.name)}`;
  return subresource ? `${path}/${subresource}` : path;
}
