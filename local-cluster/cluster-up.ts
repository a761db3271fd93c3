// `cluster up`: certificates, then etcd, kube-apiserver and kube-controller-manager one after the
// other, each waited for, on free loopback ports; then the admin kubeconfig. Every step is recorded
// in state.json first, so whatever a killed launcher leaves behind is found and cleaned up by the
// next `up` (or `down`). A failed start stops what it started and keeps the logs.
import { mkdirSync, realpathSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { locateBinaries, verifiedBinariesIn } from './binaries.js';
import { createClusterCertificates } from './certificates.js';
import { assessCluster, describe } from './cluster-condition.js';
import { stopClusterProcesses } from './cluster-down.js';
import { ClusterError } from './cluster-error.js';
import { foreignEntries, removeClusterFiles, writeKubeconfigs, writePki } from './cluster-files.js';
import { type ClusterLayout, clusterEntries, clusterLayout, logFile } from './cluster-layout.js';
import {
  type ClusterState,
  type ProcessRecord,
  readClusterState,
  writeClusterState,
} from './cluster-state.js';
import {
  apiServerArgs,
  apiServerUrl,
  type ClusterPorts,
  type ComponentName,
  controllerManagerArgs,
  etcdArgs,
  etcdUrl,
} from './component-flags.js';
import { freePorts } from './free-port.js';
import { logTail } from './log-tail.js';
import { startOwnerWatch } from './owner-watch.js';
import { isProcessRunning } from './process-liveness.js';
import { type ClientTls, httpGet, waitUntil } from './readiness.js';
import { type StartedProcess, startProcess } from './start-process.js';

export interface ClusterUpOptions {
  /** The cluster directory: created if missing; must be empty or hold only a cluster's files. */
  dir: string;
  /** Progress lines for a person (what is being started, leftovers cleaned up, build output). */
  log?: (line: string) => void;
  /** Directory holding the four binaries; default: the build.sh cache, built when missing. */
  binDir?: string;
  /** Tear the cluster down when this process exits (tests). Unset: it runs until `cluster down`. */
  ownerPid?: number;
  /** With ownerPid: the directory is scratch space, removed as a whole when the owner is gone. */
  removeDirWithOwner?: boolean;
  /** How long each component may take to become ready. */
  readyTimeoutMs?: number;
}

export interface ClusterInfo {
  dir: string;
  /** Cluster-admin kubeconfig with embedded certificates. */
  kubeconfig: string;
  /** https://127.0.0.1:PORT */
  server: string;
  binDir: string;
  /** The kubectl built with the control plane (same version). */
  kubectl: string;
  pids: Record<ComponentName, number>;
  ports: ClusterPorts;
  /** Milliseconds from the call until the cluster was ready. */
  startupMs: number;
}

export async function clusterUp(options: ClusterUpOptions): Promise<ClusterInfo> {
  const began = Date.now();
  const log = options.log ?? (() => {});
  const layout = clusterLayout(resolve(options.dir));
  mkdirSync(layout.dir, { recursive: true });
  await clearForStart(layout, log);
  const binaries = options.binDir
    ? verifiedBinariesIn(resolve(options.binDir))
    : await locateBinaries({ log });
  const ports = await pickPorts();
  const server = apiServerUrl(ports.apiServer);
  let state: ClusterState = {
    version: 1,
    phase: 'starting',
    launcher: { name: 'launcher', pid: process.pid, executable: realpathSync(process.execPath) },
    ownerPid: options.ownerPid,
    server,
    kubeconfig: layout.kubeconfig,
    binDir: binaries.dir,
    ports,
    processes: [],
    startedAt: new Date(began).toISOString(),
  };
  writeClusterState(layout, state);
  const started: StartedProcess[] = [];
  const record = (process_: StartedProcess): ProcessRecord => ({
    name: process_.name,
    pid: process_.pid,
    executable: process_.executable,
  });
  try {
    if (options.ownerPid) {
      const watcher = startOwnerWatch(layout, options.ownerPid, {
        removeDir: options.removeDirWithOwner ?? false,
      });
      started.push(watcher);
      state = { ...state, watcher: record(watcher) };
      writeClusterState(layout, state);
    }
    const certificates = await createClusterCertificates();
    writePki(layout, certificates);
    writeKubeconfigs(layout, server, certificates);
    const start = (name: ComponentName, executable: string, args: string[]) => {
      const component = startProcess({
        name,
        executable,
        args,
        logPath: logFile(layout, name),
        cwd: layout.dir,
      });
      started.push(component);
      state = { ...state, processes: [...state.processes, record(component)] };
      writeClusterState(layout, state);
      return component;
    };
    const timeoutMs = options.readyTimeoutMs ?? 60_000;
    const abandon = (components: StartedProcess[]) => () => whyEnded(layout, components);
    const tls: ClientTls = {
      ca: certificates.ca.certificate,
      cert: certificates.admin.certificate,
      key: certificates.admin.privateKey,
    };

    const etcd = start('etcd', binaries.etcd, etcdArgs(layout, ports));
    await waitUntil('etcd to report healthy', () => etcdHealthy(ports.etcdClient), {
      timeoutMs,
      abandon: abandon([etcd]),
    });
    log(`etcd ready on ${etcdUrl(ports.etcdClient)} (${seconds(Date.now() - began)})`);

    const apiServerProcess = start('kube-apiserver', binaries.kubeApiServer, apiServerArgs(layout, ports));
    await waitUntil(`kube-apiserver ${server}/readyz to answer ok`, () => apiReady(server, tls), {
      timeoutMs,
      abandon: abandon([etcd, apiServerProcess]),
    });
    log(`kube-apiserver ready on ${server} (${seconds(Date.now() - began)})`);

    // Started only now: kube-controller-manager gives up if the API server is not healthy within 10 s.
    const controllerManagerProcess = start(
      'kube-controller-manager',
      binaries.kubeControllerManager,
      controllerManagerArgs(layout, ports),
    );
    await waitUntil(
      'kube-controller-manager to create the ServiceAccount default/default',
      () => defaultServiceAccountExists(server, tls),
      { timeoutMs, abandon: abandon([etcd, apiServerProcess, controllerManagerProcess]) },
    );
    log(`kube-controller-manager ready (${seconds(Date.now() - began)})`);

    state = { ...state, phase: 'running' };
    writeClusterState(layout, state);
    return {
      dir: layout.dir,
      kubeconfig: layout.kubeconfig,
      server,
      binDir: binaries.dir,
      kubectl: binaries.kubectl,
      pids: {
        etcd: etcd.pid,
        'kube-apiserver': apiServerProcess.pid,
        'kube-controller-manager': controllerManagerProcess.pid,
      },
      ports,
      startupMs: Date.now() - began,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    let cleanup = `Everything started was stopped again; the logs are in ${layout.logs}.`;
    try {
      await stopClusterProcesses(started);
      removeClusterFiles(layout, { keepLogs: true });
    } catch (cleanupError) {
      cleanup =
        `Stopping what was started failed too (${(cleanupError as Error).message}); ` +
        `run \`agent-governor cluster down --dir ${layout.dir}\`.`;
    }
    throw new ClusterError(
      'start-failed',
      `the cluster in ${layout.dir} did not start: ${message}\n${cleanup}`,
    );
  }
}

/**
 * Makes the directory ready for a fresh start: refuses a running or starting cluster and foreign
 * files, cleans up the leftovers of a killed run (and says so), and empties the logs.
 */
async function clearForStart(layout: ClusterLayout, log: (line: string) => void): Promise<void> {
  const condition = assessCluster(readClusterState(layout), isProcessRunning);
  switch (condition.kind) {
    case 'running':
      throw new ClusterError(
        'already-running',
        `a cluster is already running in ${layout.dir} (API server ${condition.state.server}, ` +
          `${describe(condition.state.processes)}); nothing was changed. ` +
          `Use it with --kubeconfig ${condition.state.kubeconfig}, or stop it first with ` +
          `\`agent-governor cluster down --dir ${layout.dir}\`.`,
      );
    case 'starting':
      throw new ClusterError(
        'starting',
        `another \`cluster up\` (pid ${condition.state.launcher.pid}) is starting a cluster in ${layout.dir}; ` +
          `wait for it, or stop it with \`agent-governor cluster down --dir ${layout.dir}\`.`,
      );
    case 'stale': {
      const stopped = await stopClusterProcesses(condition.alive);
      removeClusterFiles(layout, { keepLogs: false });
      const survivors = stopped.filter((process_) => process_.outcome !== 'not-running');
      log(
        `found leftovers of an earlier cluster in ${layout.dir}: ${condition.reason}. ` +
          `Stopped the survivors (${describe(survivors)}), removed its data; starting a fresh cluster.`,
      );
      break;
    }
    case 'absent': {
      const foreign = foreignEntries(layout);
      if (foreign.length > 0) {
        throw new ClusterError(
          'not-a-cluster-directory',
          `${layout.dir} holds files that are not a cluster's (${foreign.slice(0, 5).join(', ')}` +
            `${foreign.length > 5 ? ', …' : ''}); choose a new or empty directory ` +
            `(a cluster directory holds only ${clusterEntries(layout).join(', ')})`,
        );
      }
      removeClusterFiles(layout, { keepLogs: false });
      break;
    }
  }
  rmSync(layout.logs, { recursive: true, force: true });
  mkdirSync(layout.logs, { recursive: true });
}

/** Why waiting is pointless: a component that has exited, with the end of its log. */
function whyEnded(layout: ClusterLayout, components: StartedProcess[]): string | undefined {
  for (const component of components) {
    // This launcher is the parent, so the exit event is the reliable signal (a pid check would take
    // a wrapper script, whose /proc/PID/exe is its interpreter, for a stranger).
    const ended = component.exitStatus();
    if (ended) {
      const log = logFile(layout, component.name);
      return `${component.name} (pid ${component.pid}) ${ended}; the end of ${log}:\n${logTail(log)}`;
    }
  }
  return undefined;
}

async function etcdHealthy(port: number): Promise<true | string> {
  const answer = await httpGet(`${etcdUrl(port)}/health`);
  return answer.status === 200 && answer.body.includes('"health":"true"')
    ? true
    : `${answer.status} ${answer.body}`;
}

async function apiReady(server: string, tls: ClientTls): Promise<true | string> {
  const answer = await httpGet(`${server}/readyz`, tls);
  return answer.status === 200 && answer.body.trim() === 'ok'
    ? true
    : `${answer.status} ${answer.body.trim()}`;
}

async function defaultServiceAccountExists(server: string, tls: ClientTls): Promise<true | string> {
  const answer = await httpGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, tls);
  return answer.status === 200 ? true : `${answer.status} ${answer.body.trim().slice(0, 200)}`;
}

async function pickPorts(): Promise<ClusterPorts> {
  const [etcdClient, etcdPeer, apiServer, controllerManager] = await freePorts(4);
  return {
    etcdClient: etcdClient!,
    etcdPeer: etcdPeer!,
    apiServer: apiServer!,
    controllerManager: controllerManager!,
  };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
