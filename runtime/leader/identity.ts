// Who this process is in the leader Lease and in Events: the pod name (POD_NAME from the downward
// API, else HOSTNAME, which Kubernetes sets to the pod name), outside a cluster hostname-pid.
import { hostname } from 'node:os';

export function processIdentity(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): string {
  const pod = env['POD_NAME'];
  if (pod) return pod;
  if (env['KUBERNETES_SERVICE_HOST'] && env['HOSTNAME']) return env['HOSTNAME'];
  return `${hostname()}-${pid}`;
}
