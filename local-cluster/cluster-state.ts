// DIR/state.json: what a cluster directory's processes are and where they listen. Written
// atomically (temporary file, then rename) at every step of `up`, so a launcher killed half way
// still leaves a record of what it started.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import type { ClusterLayout } from './cluster-layout.js';

const processRecord = z.object({
  name: z.string(),
  pid: z.number().int().positive(),
  executable: z.string(),
});

const clusterStateSchema = z.object({
  version: z.literal(1),
  /** `starting` until every component is ready, then `running`. */
  phase: z.enum(['starting', 'running']),
  /** The `cluster up` process; while it runs a `starting` cluster is not stale. */
  launcher: processRecord,
  /** When set, the owner watch tears the cluster down once this pid exits. */
  ownerPid: z.number().int().positive().optional(),
  server: z.string(),
  kubeconfig: z.string(),
  binDir: z.string(),
  ports: z.object({
    etcdClient: z.number().int(),
    etcdPeer: z.number().int(),
    apiServer: z.number().int(),
    controllerManager: z.number().int(),
  }),
  /** Control-plane processes in start order. */
  processes: z.array(processRecord),
  /** The process that tears the cluster down when its owner exits, if there is an owner. */
  watcher: processRecord.optional(),
  startedAt: z.string(),
});

export type ProcessRecord = z.infer<typeof processRecord>;
export type ClusterState = z.infer<typeof clusterStateSchema>;

/** The recorded state, or undefined when the directory holds none. */
export function readClusterState(layout: ClusterLayout): ClusterState | undefined {
  let text: string;
  try {
    text = readFileSync(layout.state, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(
      `${layout.state} is not JSON (${(err as Error).message}); remove it if no cluster runs there`,
    );
  }
  const parsed = clusterStateSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.join('.') || '(root)';
    throw new Error(
      `${layout.state} is not an agent-governor cluster state: ${where}: ${issue?.message}; ` +
        'remove it if no cluster runs there',
    );
  }
  return parsed.data;
}

export function writeClusterState(layout: ClusterLayout, state: ClusterState): void {
  const temporary = `${layout.state}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(temporary, layout.state);
}

/** Every process a state records, the watcher last. */
export function recordedProcesses(state: ClusterState): ProcessRecord[] {
  return [...state.processes, ...(state.watcher ? [state.watcher] : [])];
}
