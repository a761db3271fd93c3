// At the end of `agent-governor demo --keep`: the cockpit, started like the demo's other processes
// (detached, logged, stopped by `cluster down`), and a ServiceAccount that may read the demo's
// namespace (list and get TokenBudgets), whose token a person signs in with.

import { freePorts } from '../local-cluster/free-port.js';
import { httpGet } from '../local-cluster/readiness.js';
import { DEMO, type DemoContext, waitFor } from './demo-context.js';
import { startDemoProcess } from './demo-processes.js';

/** The ServiceAccount whose token signs in to the kept demo's cockpit. */
export const COCKPIT_VIEWER = 'cockpit-viewer';

export interface KeptCockpit {
  url: string;
  namespace: string;
  serviceAccount: string;
}

export async function startKeptCockpit(context: DemoContext): Promise<KeptCockpit> {
  const { kubectl, cluster, layout } = context;
  if (!kubectl || !cluster) throw new Error('the cockpit needs the control plane, which is not running');
  const ns = DEMO.namespace;
  const apply = (args: string[]) => kubectl(args, { check: true });
  await apply(['create', 'serviceaccount', COCKPIT_VIEWER, '-n', ns]);
  await apply([
    'create',
    'role',
    COCKPIT_VIEWER,
    '-n',
    ns,
    '--verb=get,list',
    '--resource=tokenbudgets.governor.agents.dev,agentslos.governor.agents.dev',
  ]);
  await apply([
    'create',
    'rolebinding',
    COCKPIT_VIEWER,
    '-n',
    ns,
    `--role=${COCKPIT_VIEWER}`,
    `--serviceaccount=${ns}:${COCKPIT_VIEWER}`,
  ]);
  const [port] = await freePorts(1);
  const process_ = startDemoProcess(layout, 'cockpit', [
    layout.bin,
    'cockpit',
    '--kubeconfig',
    cluster.kubeconfig,
    '--port',
    String(port),
  ]);
  const url = `http://127.0.0.1:${port}/`;
  await waitFor(
    context,
    `the cockpit's ${url}healthz`,
    async () => {
      const ended = process_.exitStatus();
      if (ended) throw new Error(`the cockpit ${ended}; see ${process_.logPath}`);
      const answer = await httpGet(`${url}healthz`).catch((err: Error) => ({ status: 0, body: err.message }));
      return answer.status === 200 ? true : `${answer.status} ${answer.body.trim()}`;
    },
    15_000,
  );
  return { url, namespace: ns, serviceAccount: COCKPIT_VIEWER };
}
