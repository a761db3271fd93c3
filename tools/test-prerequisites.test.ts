import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEBIAN_PREREQUISITES,
  type DebianPrerequisite,
  ensureTestPrerequisites,
  GO_BUILDS,
  hasCommand,
  type Machine,
  planDebianPackages,
  type Step,
  thisMachine,
} from './test-prerequisites.js';

const prometheus: DebianPrerequisite = {
  package: 'prometheus',
  command: 'promtool',
  services: ['prometheus'],
  neededBy: 'rule checks',
};
const redis: DebianPrerequisite = {
  package: 'redis-server',
  command: 'redis-server',
  services: ['redis-server'],
  neededBy: 'cache suites',
};
const chromium: DebianPrerequisite = {
  package: 'chromium',
  command: 'chromium',
  services: [],
  neededBy: 'UI checks',
};

function machine(has: string[], over: Partial<Machine> = {}): Machine {
  return { hasCommand: (name) => has.includes(name), isRoot: true, hasSystemd: false, ...over };
}

describe('planDebianPackages', () => {
  it('does nothing when every command is there', () => {
    const plan = planDebianPackages([prometheus, redis], machine(['promtool', 'redis-server', 'apt-get']));
    assert.deepEqual(plan, { kind: 'ready' });
  });

  it('as root with apt-get: one update, one install of what is missing, then stops the services (no systemd: pkill)', () => {
    const plan = planDebianPackages([prometheus, redis, chromium], machine(['apt-get', 'chromium']));
    assert.equal(plan.kind, 'install');
    assert.deepEqual(plan.kind === 'install' && plan.steps.map((s: Step) => s.argv.join(' ')), [
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends prometheus redis-server',
      'pkill -x prometheus',
      'pkill -x redis-server',
    ]);
    assert.ok(plan.kind === 'install' && plan.steps[1]?.env?.['DEBIAN_FRONTEND'] === 'noninteractive');
    assert.ok(plan.kind === 'install' && plan.steps.slice(2).every((s) => s.mayFail));
  });

  it('stops services with systemctl where systemd runs them', () => {
    const plan = planDebianPackages([prometheus], machine(['apt-get'], { hasSystemd: true }));
    assert.deepEqual(plan.kind === 'install' && plan.steps.map((s) => s.argv.join(' ')), [
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends prometheus',
      'systemctl disable --now prometheus',
    ]);
  });

  it('installs a package once when two commands need it', () => {
    const promtoolToo = { ...prometheus, command: 'prometheus' };
    const plan = planDebianPackages([prometheus, promtoolToo], machine(['apt-get']));
    assert.deepEqual(plan.kind === 'install' && plan.packages, ['prometheus']);
  });

  it('not root: refuses at once, naming the command, the package and what to run', () => {
    const plan = planDebianPackages([prometheus], machine(['apt-get'], { isRoot: false, hasSystemd: true }));
    assert.equal(plan.kind, 'refuse');
    const message = plan.kind === 'refuse' ? plan.message : '';
    assert.match(message, /promtool \(Debian package prometheus; rule checks\)/);
    assert.match(
      message,
      /sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus/,
    );
    assert.match(message, /sudo systemctl disable --now prometheus/);
  });

  it('without apt-get: refuses, saying which command is missing', () => {
    const plan = planDebianPackages([prometheus, chromium], machine([]));
    assert.equal(plan.kind, 'refuse');
    assert.match(
      plan.kind === 'refuse' ? plan.message : '',
      /provide promtool, chromium with this system's package manager/,
    );
  });
});

describe('ensureTestPrerequisites', () => {
  const root = '/repo';

  it('runs the install plan, then each Go build, and stops on a failed install', () => {
    const ran: string[] = [];
    ensureTestPrerequisites({
      root,
      log: () => {},
      prerequisites: [prometheus],
      machine: machine(['apt-get', 'go']),
      run: (step) => {
        ran.push(step.argv.join(' '));
        return { status: 0 };
      },
    });
    assert.deepEqual(ran, [
      'apt-get update -qq',
      'apt-get install -y -qq --no-install-recommends prometheus',
      'pkill -x prometheus',
      ...GO_BUILDS.map((b) => `bash /repo/${b.script}`),
    ]);
    assert.throws(
      () =>
        ensureTestPrerequisites({
          root,
          log: () => {},
          prerequisites: [prometheus],
          machine: machine(['apt-get']),
          run: (step) => ({ status: step.argv[1] === 'install' ? 100 : 0 }),
        }),
      /apt-get install -y -qq --no-install-recommends prometheus failed \(exit code 100\)/,
    );
  });

  it('a failed pkill (nothing was running) is no error', () => {
    ensureTestPrerequisites({
      root,
      log: () => {},
      prerequisites: [prometheus],
      builds: [],
      machine: machine(['apt-get']),
      run: (step) => ({ status: step.argv[0] === 'pkill' ? 1 : 0 }),
    });
  });

  it('says that Go is missing when a build fails without it', () => {
    assert.throws(
      () =>
        ensureTestPrerequisites({
          root,
          log: () => {},
          prerequisites: [],
          machine: machine([]),
          run: () => ({ status: 1 }),
        }),
      /local-cluster\/controlplane\/build\.sh failed \(exit code 1\).*Go is not on PATH: these builds need Go 1\.26/,
    );
  });

  it('on this machine: the real lookups find what the list names, or say what would be installed', () => {
    const plan = planDebianPackages(DEBIAN_PREREQUISITES, thisMachine());
    // Harmless either way: only the decision runs here, never apt-get.
    if (plan.kind !== 'ready') assert.ok(plan.packages.length > 0, JSON.stringify(plan));
    for (const p of DEBIAN_PREREQUISITES) {
      assert.equal(
        plan.kind === 'ready' || !plan.packages.includes(p.package),
        hasCommand(p.command),
        p.command,
      );
    }
  });
});

describe('hasCommand', () => {
  it('finds executables on PATH and nothing else', () => {
    assert.equal(hasCommand('node'), true);
    assert.equal(hasCommand('no-such-command-agent-governor'), false);
    assert.equal(hasCommand('node', ''), false);
  });
});
