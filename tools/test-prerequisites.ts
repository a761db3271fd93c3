// What the integration suites need on the machine besides Node and npm, made ready before they
// run, so the README's test command passes by itself on a fresh machine: the tools built from Go
// modules (the control plane, helm and the GitOps checks; each build script returns at once when
// its cache is complete) and the Debian packages whose commands the suites call. The packages are
// data, in one list; when a command is missing and this process may install (root, apt-get), it
// installs the packages and stops any service they started, since a prometheus or redis left
// running would hold its port. Otherwise it stops at once, naming the package and the command to
// run. The decision is pure (planDebianPackages), the effects are a thin layer over it.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** A Debian package the suites need, and how to tell it is there. */
export interface DebianPrerequisite {
  package: string;
  /** The command the suites run: the package is needed when no such command is on PATH. */
  command: string;
  /** Services the package may start (systemd unit, also the process name), stopped after install. */
  services: readonly string[];
  /** Who needs it, for the messages. */
  neededBy: string;
}

/** Every Debian package a suite needs. A suite that needs another one adds it here. */
export const DEBIAN_PREREQUISITES: readonly DebianPrerequisite[] = [
  {
    package: 'util-linux',
    command: 'flock',
    services: [],
    neededBy: 'the Go builds below (one build at a time per cache)',
  },
  {
    package: 'prometheus',
    command: 'promtool',
    services: ['prometheus'],
    neededBy: 'e2e/prometheus/ and e2e/chart/monitoring.test.ts (promtool check rules, promtool test rules)',
  },
  {
    package: 'redis-server',
    command: 'redis-server',
    services: ['redis-server'],
    neededBy: 'e2e/usage-store/ (the Redis usage store against a real redis-server)',
  },
  {
    package: 'chromium',
    command: 'chromium',
    services: [],
    neededBy:
      'e2e/governance/ (the dataflow SVG and the audit report read in headless Chromium through playwright-core, which never downloads a browser)',
  },
];

/** A tool chain built from Go modules into the cache; the script prints the directory last. */
export interface GoBuild {
  script: string;
  what: string;
  /** What a newcomer waits the first time, on 2 cores. */
  firstTime: string;
}

export const GO_BUILDS: readonly GoBuild[] = [
  {
    script: 'local-cluster/controlplane/build.sh',
    what: 'kube-apiserver, kube-controller-manager, kubectl and etcd',
    firstTime: 'about 10 to 15 minutes: Go module downloads, then about 6 minutes of compiling',
  },
  {
    script: 'tools/helm/build.sh',
    what: 'helm, kstatus, argocd-health and dockerfile-check',
    firstTime: 'about 3 minutes',
  },
  {
    script: 'tools/otel-collector/build.sh',
    what: "the OpenTelemetry Collector's OTLP receiver (e2e/sidecar/traces.test.ts)",
    firstTime: 'about 2 to 4 minutes',
  },
];

/** What the machine offers, as far as the decision needs to know. */
export interface Machine {
  hasCommand(name: string): boolean;
  isRoot: boolean;
  /** systemd runs the services (`/run/systemd/system` exists). */
  hasSystemd: boolean;
}

/** A command line to run, with the environment it needs beyond the process's own. */
export interface Step {
  argv: string[];
  env?: Record<string, string>;
  /** A failure of this step is not an error (nothing to stop). */
  mayFail?: boolean;
}

export type PackagePlan =
  | { kind: 'ready' }
  | { kind: 'install'; packages: string[]; steps: Step[] }
  | { kind: 'refuse'; packages: string[]; message: string };

/** How to stop a service an install started, so it holds no port. */
export function stopServiceSteps(service: string, hasSystemd: boolean): Step[] {
  return hasSystemd
    ? [{ argv: ['systemctl', 'disable', '--now', service], mayFail: true }]
    : [{ argv: ['pkill', '-x', service], mayFail: true }];
}

/**
 * The Debian packages missing on `machine` and what to do about them: nothing, install them (one
 * `apt-get update`, one install, then stop their services), or refuse with what a person must run.
 */
export function planDebianPackages(
  prerequisites: readonly DebianPrerequisite[],
  machine: Machine,
): PackagePlan {
  const missing = prerequisites.filter((p) => !machine.hasCommand(p.command));
  if (missing.length === 0) return { kind: 'ready' };
  const packages = [...new Set(missing.map((p) => p.package))];
  const install = ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages];
  const services = [...new Set(missing.flatMap((p) => p.services))];
  if (!machine.isRoot || !machine.hasCommand('apt-get')) {
    const why = missing.map((p) => `${p.command} (Debian package ${p.package}; ${p.neededBy})`).join('; ');
    const stop = services.map((s) =>
      machine.hasSystemd ? `sudo systemctl disable --now ${s}` : `sudo pkill -x ${s}`,
    );
    const how = machine.hasCommand('apt-get')
      ? `run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ${install.join(' ')}` +
        (stop.length > 0 ? `, then stop what it started: ${stop.join('; ')}` : '')
      : `install the package${packages.length > 1 ? 's' : ''} that provide${packages.length > 1 ? '' : 's'} ${missing
          .map((p) => p.command)
          .join(', ')} with this system's package manager`;
    return {
      kind: 'refuse',
      packages,
      message: `the integration suites need commands this machine does not have: ${why}. Not running as root, or without apt-get, so nothing was installed; ${how}.`,
    };
  }
  const noninteractive = { DEBIAN_FRONTEND: 'noninteractive' };
  return {
    kind: 'install',
    packages,
    steps: [
      { argv: ['apt-get', 'update', '-qq'], env: noninteractive },
      { argv: install, env: noninteractive },
      ...services.flatMap((s) => stopServiceSteps(s, machine.hasSystemd)),
    ],
  };
}

/** Whether an executable of that name is on PATH. */
export function hasCommand(name: string, path = process.env['PATH'] ?? ''): boolean {
  return path
    .split(delimiter)
    .filter((dir) => dir !== '')
    .some((dir) => {
      try {
        accessSync(join(dir, name), constants.X_OK);
        return true;
      } catch {
        return false;
      }
    });
}

/** This machine, as planDebianPackages sees it. */
export function thisMachine(): Machine {
  return {
    hasCommand: (name) => hasCommand(name),
    isRoot: process.getuid?.() === 0,
    hasSystemd: existsSync('/run/systemd/system'),
  };
}

export type RunStep = (step: Step) => { status: number | null; error?: Error };

const runStep: RunStep = (step) => {
  const [command, ...args] = step.argv as [string, ...string[]];
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, ...step.env } });
  return { status: result.status, ...(result.error ? { error: result.error } : {}) };
};

export interface PrerequisiteOptions {
  /** The repository root (the build scripts' paths are relative to it). */
  root: string;
  log?: (line: string) => void;
  machine?: Machine;
  run?: RunStep;
  prerequisites?: readonly DebianPrerequisite[];
  builds?: readonly GoBuild[];
}

/** Installs what is missing (when it may) and runs the Go builds; throws with what a person must do. */
export function ensureTestPrerequisites(options: PrerequisiteOptions): void {
  const log = options.log ?? ((line: string) => console.log(line));
  const machine = options.machine ?? thisMachine();
  const run = options.run ?? runStep;
  const plan = planDebianPackages(options.prerequisites ?? DEBIAN_PREREQUISITES, machine);
  if (plan.kind === 'refuse') throw new Error(plan.message);
  if (plan.kind === 'install') {
    log(`test prerequisites: installing Debian package(s) ${plan.packages.join(', ')}`);
    for (const step of plan.steps) {
      const result = run(step);
      if (!step.mayFail && (result.error || result.status !== 0)) {
        throw new Error(
          `${step.argv.join(' ')} failed (${result.error?.message ?? `exit code ${result.status}`}); ` +
            `the integration suites need ${plan.packages.join(', ')}`,
        );
      }
    }
  }
  for (const build of options.builds ?? GO_BUILDS) {
    const began = Date.now();
    log(
      `test prerequisites: ${build.what} (${build.script}; the first time ${build.firstTime}, then cached)`,
    );
    const result = run({ argv: ['bash', join(options.root, build.script)] });
    if (result.error || result.status !== 0) {
      const go = machine.hasCommand('go') ? '' : ' Go is not on PATH: these builds need Go 1.26 or later.';
      throw new Error(
        `${build.script} failed (${result.error?.message ?? `exit code ${result.status}`}): it builds ` +
          `${build.what} from the Go module proxy.${go}`,
      );
    }
    const seconds = (Date.now() - began) / 1000;
    if (seconds >= 5) log(`test prerequisites: ${build.script} took ${seconds.toFixed(0)} s`);
  }
}
