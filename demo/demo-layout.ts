// Where the demo keeps things. DIR is a cluster directory (`agent-governor cluster down --dir DIR`
// stops what a kept demo left running), and a cluster directory accepts only the cluster's own
// entries: the demo's logs go beside the control plane's in DIR/logs, and what its processes need
// at run time (ServiceAccount tokens, usage spools, the mounted policy files) under DIR/logs/demo.
// `cluster up` empties DIR/logs; `cluster down` keeps it for a post-mortem.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterLayout } from '../local-cluster/cluster-layout.js';

export interface DemoLayout {
  /** The cluster directory the demo runs in. */
  dir: string;
  /** DIR/logs: one log file per process, the control plane's and the demo's. */
  logs: string;
  /** DIR/logs/demo: tokens, usage spools and policy files of the demo's sidecars. */
  work: string;
  /** The installed package: bin/, dist/, crds/, examples/. */
  packageRoot: string;
  /** bin/agent-governor.mjs: the demo starts the operator and the sidecars with it. */
  bin: string;
  /** examples/demo: the manifests the demo applies. */
  manifests: string;
}

/** This file is demo/demo-layout.ts, compiled to dist/demo/demo-layout.js. */
const packageRoot = fileURLToPath(new URL('../../', import.meta.url));

export function demoLayout(dir: string): DemoLayout {
  const cluster = clusterLayout(dir);
  return {
    dir: cluster.dir,
    logs: cluster.logs,
    work: join(cluster.logs, 'demo'),
    packageRoot,
    bin: join(packageRoot, 'bin', 'agent-governor.mjs'),
    manifests: join(packageRoot, 'examples', 'demo'),
  };
}
