// Command lines of the three control-plane processes. Everything listens on 127.0.0.1 only;
// etcd speaks plain HTTP because nothing but the API server on the same host reaches it.
import { type ClusterLayout, pkiFiles } from './cluster-layout.js';
import { frontProxyClientName } from './identities.js';

export const componentNames = ['etcd', 'kube-apiserver', 'kube-controller-manager'] as const;
export type ComponentName = (typeof componentNames)[number];

export interface ClusterPorts {
  etcdClient: number;
  etcdPeer: number;
  apiServer: number;
  controllerManager: number;
}

export const loopback = '127.0.0.1';
/** Only a configuration value: ClusterIPs come from it, but no Service is ever reached. */
export const serviceClusterIpRange = '10.96.0.0/16';
export const serviceAccountIssuer = 'https://kubernetes.default.svc.cluster.local';
export const clusterName = 'agent-governor';

/**
 * Controllers that act on Nodes or attached volumes. With no kubelet there are no Nodes, so they
 * would only log; the rest (deployment, replicaset, job, cronjob, serviceaccount, namespace,
 * garbage collector, …) run, which is what makes a Deployment create Pods.
 */
export const disabledControllers = [
  'node-ipam-controller',
  'node-lifecycle-controller',
  'persistentvolume-attach-detach-controller',
  'taint-eviction-controller',
  'ttl-controller',
];

export function etcdUrl(port: number): string {
  return `http://${loopback}:${port}`;
}

export function apiServerUrl(port: number): string {
  return `https://${loopback}:${port}`;
}

export function etcdArgs(layout: ClusterLayout, ports: ClusterPorts): string[] {
  const client = etcdUrl(ports.etcdClient);
  const peer = etcdUrl(ports.etcdPeer);
  return [
    `--name=${clusterName}`,
    `--data-dir=${layout.etcdData}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${clusterName}=${peer}`,
    '--initial-cluster-state=new',
    // A throwaway test cluster: losing the last writes on a host crash does not matter, speed does.
    '--unsafe-no-fsync=true',
    '--log-level=warn',
  ];
}

export function apiServerArgs(layout: ClusterLayout, ports: ClusterPorts): string[] {
  const pki = pkiFiles(layout);
  return [
    `--advertise-address=${loopback}`,
    `--bind-address=${loopback}`,
    `--secure-port=${ports.apiServer}`,
    `--etcd-servers=${etcdUrl(ports.etcdClient)}`,
    `--tls-cert-file=${pki.apiServerCertificate}`,
    `--tls-private-key-file=${pki.apiServerKey}`,
    `--client-ca-file=${pki.caCertificate}`,
    '--authorization-mode=Node,RBAC',
    `--service-account-issuer=${serviceAccountIssuer}`,
    `--service-account-key-file=${pki.serviceAccountPublicKey}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--api-audiences=${serviceAccountIssuer}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    // The aggregation layer: without a request-header CA, every delegating component (the controller
    // manager among them) logs "missing content for CA bundle" forever, and APIServices cannot work.
    `--requestheader-client-ca-file=${pki.caCertificate}`,
    `--requestheader-allowed-names=${frontProxyClientName}`,
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${pki.frontProxyClientCertificate}`,
    `--proxy-client-key-file=${pki.frontProxyClientKey}`,
    // The default admission plugins stay on, MutatingAdmissionWebhook and ValidatingAdmissionWebhook
    // among them, so webhooks registered by the operator are called as in a real cluster.
    '--allow-privileged=true',
    '--profiling=false',
  ];
}

export function controllerManagerArgs(layout: ClusterLayout, ports: ClusterPorts): string[] {
  const pki = pkiFiles(layout);
  const kubeconfig = layout.controllerManagerKubeconfig;
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    `--bind-address=${loopback}`,
    `--secure-port=${ports.controllerManager}`,
    '--leader-elect=false',
    `--cluster-name=${clusterName}`,
    `--controllers=*,${disabledControllers.map((name) => `-${name}`).join(',')}`,
    // Each controller gets its own ServiceAccount token, as in a real cluster, so RBAC applies.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${pki.serviceAccountKey}`,
    `--root-ca-file=${pki.caCertificate}`,
    `--cluster-signing-cert-file=${pki.caCertificate}`,
    `--cluster-signing-key-file=${pki.caKey}`,
    `--service-cluster-ip-range=${serviceClusterIpRange}`,
    '--profiling=false',
  ];
}
