import { BlockList } from 'node:net';
import type { EndpointHost } from './endpoint-host.js';

/**
 * Whether a host is inside the cluster (or the pod) rather than egress: residency judges only
 * traffic that leaves. Cluster DNS names (`*.svc`, `*.cluster.local`, single-label Service names
 * resolved through the pod's search path), `localhost`, the `.internal` TLD, and addresses that are
 * not routable on the internet (loopback, RFC 1918, shared CGNAT space, link-local, IPv6 ULA).
 *
 * A two-label name `<service>.<namespace>` is cluster-internal too when `<namespace>` is a namespace
 * of the cluster: the pod's DNS search path (`svc.cluster.local`) makes it the Service's name. Only
 * a caller that knows the cluster's namespaces can tell (serviceNamespaceOf gives the candidate);
 * without them such a name is judged like any other host.
 */

const INTERNAL_SUFFIXES = ['.svc', '.cluster.local', '.localhost', '.internal'];
const INTERNAL_NAMES = new Set(['localhost']);
/** A namespace name (RFC 1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

const PRIVATE_ADDRESSES = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE_ADDRESSES.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE_ADDRESSES.addSubnet(network, prefix, 'ipv6');
}

export function isClusterInternal(endpoint: EndpointHost): boolean {
  if (endpoint.ip === 'v4') return PRIVATE_ADDRESSES.check(endpoint.host, 'ipv4');
  if (endpoint.ip === 'v6') return PRIVATE_ADDRESSES.check(endpoint.host, 'ipv6');
  const host = endpoint.host;
  if (!host.includes('.') || INTERNAL_NAMES.has(host)) return true;
  return INTERNAL_SUFFIXES.some((suffix) => host.endsWith(suffix));
}

/**
 * The namespace a two-label host `<service>.<namespace>` would name a Service in, when it has that
 * form (both labels valid Kubernetes names; not an IP literal); undefined otherwise. The host is
 * endpointHost's: lowercase, without trailing dot or port.
 */
export function serviceNamespaceOf(endpoint: EndpointHost): string | undefined {
  if (endpoint.ip !== undefined) return undefined;
  const dot = endpoint.host.indexOf('.');
  if (dot <= 0 || endpoint.host.indexOf('.', dot + 1) !== -1) return undefined;
  const service = endpoint.host.slice(0, dot);
  const namespace = endpoint.host.slice(dot + 1);
  return NAMESPACE_NAME.test(service) && NAMESPACE_NAME.test(namespace) ? namespace : undefined;
}
