// Which of the cluster's Services stand for a host outside it, read from Service and EndpointSlice
// objects (apis/service-aliases.ts resolves a pod's hosts through them): a Service of type
// ExternalName stands for its externalName; a Service without a selector for the addresses of its
// EndpointSlices — those its owner writes by hand, or that Kubernetes mirrors from a hand-written
// Endpoints object. EndpointSlices Kubernetes makes from a selector list the Service's own pods, in
// the cluster: never read. Shared by the admission webhook's cluster view and the residency audit,
// which cache exactly what these filters keep (the same informers). Pure.
import type { ServiceAlias, ServiceLookup } from '../apis/service-aliases.js';

/** A Service as the API server serves it (only what residency reads). */
export interface ServiceObject {
  metadata?: { name?: string; namespace?: string };
  spec?: { type?: string; externalName?: string; selector?: Record<string, string> | null };
}

/** An EndpointSlice as the API server serves it (only what residency reads). */
export interface EndpointSliceObject {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  addressType?: string;
  endpoints?: Array<{ addresses?: string[] }> | null;
}

/** The label every EndpointSlice carries with the name of its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/**
 * The EndpointSlices worth caching: all but those Kubernetes' EndpointSlice controller makes from a
 * Service's selector (one per few hundred pods of the cluster, all in the cluster).
 */
export const ALIAS_SLICES_SELECTOR =
  'endpointslice.kubernetes.io/managed-by!=endpointslice-controller.k8s.io';

/** Whether a Service may stand for an external host: of type ExternalName, or without a selector. */
export function mayBeServiceAlias(service: ServiceObject): boolean {
  if (service.spec?.type === 'ExternalName') return true;
  return Object.keys(service.spec?.selector ?? {}).length === 0;
}

/**
 * What `service` stands for outside the cluster, with the slices of its namespace at hand:
 * `externalName` of an ExternalName Service; the addresses of the slices labelled with its name for
 * one without a selector; undefined for a Service with a selector (its pods are in the cluster), or
 * one without any address.
 */
export function serviceAliasOf(
  service: ServiceObject | undefined,
  slicesOfNamespace: readonly EndpointSliceObject[],
): ServiceAlias | undefined {
  if (!service || !mayBeServiceAlias(service)) return undefined;
  if (service.spec?.type === 'ExternalName') {
    const externalName = service.spec.externalName?.trim();
    return externalName ? { externalName } : undefined;
  }
  const name = service.metadata?.name;
  const addresses: string[] = [];
  for (const slice of slicesOfNamespace) {
    if (!name || slice.metadata?.labels?.[SERVICE_NAME_LABEL] !== name) continue;
    for (const endpoint of slice.endpoints ?? [])
      for (const address of endpoint.addresses ?? []) addresses.push(address);
  }
  return addresses.length > 0 ? { addresses: [...new Set(addresses)] } : undefined;
}

/** A ServiceLookup over what a cache holds: a Service by name, the alias slices of a namespace. */
export function serviceLookupOf(read: {
  service(namespace: string, name: string): ServiceObject | undefined;
  slices(namespace: string): readonly EndpointSliceObject[];
}): ServiceLookup {
  return (namespace, name) => {
    const service = read.service(namespace, name);
    if (!service || !mayBeServiceAlias(service)) return undefined;
    return serviceAliasOf(service, service.spec?.type === 'ExternalName' ? [] : read.slices(namespace));
  };
}
