// The shape every Kubernetes object shares, and the key (namespace/name) caches and queues use.

/** Object metadata as the runtime needs it; the API server's other fields pass through. */
export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  deletionTimestamp?: string;
  creationTimestamp?: string;
  ownerReferences?: OwnerReference[];
  managedFields?: unknown[];
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object: apiVersion, kind, metadata and whatever else its kind has. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
}

/** Which object: `name` alone for cluster-scoped kinds, `namespace` and `name` otherwise. */
export interface ObjectKey {
  namespace?: string;
  name: string;
}

/** The key of an object; throws when it has no name (the API server never returns such objects). */
export function keyOf(object: KubeObject): ObjectKey {
  const name = object.metadata?.name;
  if (!name) {
    throw new Error(`a ${object.kind ?? 'Kubernetes'} object without metadata.name has no key`);
  }
  const namespace = object.metadata?.namespace;
  return namespace ? { namespace, name } : { name };
}

/** `namespace/name`, or `name` for cluster-scoped objects — the form client-go and kubectl use. */
export function formatKey(key: ObjectKey): string {
  return key.namespace ? `${key.namespace}/${key.name}` : key.name;
}

/** The inverse of formatKey. */
export function parseKey(text: string): ObjectKey {
  const slash = text.indexOf('/');
  if (slash < 0) return { name: text };
  return { namespace: text.slice(0, slash), name: text.slice(slash + 1) };
}

/** Shorthand for formatKey(keyOf(object)). */
export function objectKeyString(object: KubeObject): string {
  return formatKey(keyOf(object));
}
