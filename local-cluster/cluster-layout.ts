// Where a cluster keeps its files inside its directory. `down` removes exactly these entries
// (never the directory's other contents), and `up` refuses a directory holding anything else.
import { basename, join } from 'node:path';

export interface ClusterLayout {
  dir: string;
  /** pids, ports and phase of the running cluster. */
  state: string;
  /** Cluster-admin kubeconfig with embedded certificates, for people and tests. */
  kubeconfig: string;
  /** Kubeconfig kube-controller-manager authenticates with. */
  controllerManagerKubeconfig: string;
  pki: string;
  etcdData: string;
  logs: string;
}

export function clusterLayout(dir: string): ClusterLayout {
  return {
    dir,
    state: join(dir, 'state.json'),
    kubeconfig: join(dir, 'kubeconfig'),
    controllerManagerKubeconfig: join(dir, 'controller-manager.kubeconfig'),
    pki: join(dir, 'pki'),
    etcdData: join(dir, 'etcd'),
    logs: join(dir, 'logs'),
  };
}

/** Files of the PKI directory, as the component flags refer to them. */
export function pkiFiles(layout: ClusterLayout) {
  const at = (name: string) => join(layout.pki, name);
  return {
    caCertificate: at('ca.crt'),
    caKey: at('ca.key'),
    apiServerCertificate: at('apiserver.crt'),
    apiServerKey: at('apiserver.key'),
    adminCertificate: at('admin.crt'),
    adminKey: at('admin.key'),
    controllerManagerCertificate: at('controller-manager.crt'),
    controllerManagerKey: at('controller-manager.key'),
    frontProxyClientCertificate: at('front-proxy-client.crt'),
    frontProxyClientKey: at('front-proxy-client.key'),
    serviceAccountPublicKey: at('sa.pub'),
    serviceAccountKey: at('sa.key'),
  };
}

export type PkiFiles = ReturnType<typeof pkiFiles>;

export function logFile(layout: ClusterLayout, component: string): string {
  return join(layout.logs, `${component}.log`);
}

/** Entries of a cluster directory that the cluster itself creates; anything else is not ours. */
export function clusterEntries(layout: ClusterLayout): string[] {
  return [
    layout.state,
    layout.kubeconfig,
    layout.controllerManagerKubeconfig,
    layout.pki,
    layout.etcdData,
    layout.logs,
  ].map((path) => basename(path));
}
