// The local control plane behind `agent-governor cluster up|down|status` and the test harness:
// etcd, kube-apiserver and kube-controller-manager built from Go modules, on loopback ports, in one
// directory that holds their PKI, data, kubeconfig, logs and state.json.
export type { ControlPlaneBinaries } from './binaries.js';
export { binariesIn, locateBinaries } from './binaries.js';
export { type ClusterDownOptions, type ClusterDownOutcome, clusterDown } from './cluster-down.js';
export { ClusterError, type ClusterErrorReason } from './cluster-error.js';
export { type ClusterStatus, clusterStatus } from './cluster-status.js';
export { type ClusterInfo, type ClusterUpOptions, clusterUp } from './cluster-up.js';
export type { ClusterPorts, ComponentName } from './component-flags.js';
