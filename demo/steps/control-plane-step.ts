// Step 1: the local control plane — `agent-governor cluster up`'s code, in the demo's directory.
// Without --keep the cluster gets an owner watch: should the demo die without tearing down
// (SIGKILL), the watch stops the cluster and every process the demo recorded in it.
import { mkdirSync } from 'node:fs';
import { clusterUp } from '../../local-cluster/cluster.js';
import { ApiTransport } from '../../runtime/kube/api-transport.js';
import { createKubeClient } from '../../runtime/kube/kube-client.js';
import { kubeconfigConnection } from '../../runtime/kube/kubeconfig-file.js';
import { kubectlFor } from '../../testing/kubectl.js';
import type { DemoStep } from '../demo-step.js';

export function controlPlaneStep(options: { keep: boolean }): DemoStep {
  return {
    title:
      'Start the local control plane (etcd, kube-apiserver, kube-controller-manager; no scheduler, no kubelet)',
    checks: [{ step: 'control plane', expected: 'etcd, kube-apiserver and kube-controller-manager ready' }],
    required: true,
    async run(context, observe) {
      const { layout, narrator } = context;
      const info = await clusterUp({
        dir: layout.dir,
        ...(options.keep ? {} : { ownerPid: process.pid }),
        log: (line) => {
          narrator.info(line);
          // build.sh says so when the binaries are not cached yet.
          if (line.startsWith('building Kubernetes')) {
            narrator.info(
              'the first build takes 10 to 15 minutes on 2 cores (Go module downloads, then about 6 ' +
                'minutes of compiling); later runs reuse the cache',
            );
          }
        },
      });
      mkdirSync(layout.work, { recursive: true });
      context.cluster = info;
      context.kubectl = kubectlFor(info.kubectl, info.kubeconfig);
      context.transport = new ApiTransport(kubeconfigConnection(info.kubeconfig));
      context.kube = createKubeClient(context.transport, { fieldManager: 'agent-governor-demo' });
      observe(`ready in ${(info.startupMs / 1000).toFixed(1)} s, API server ${info.server}`, true);
    },
  };
}
