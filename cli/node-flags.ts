// The V8 flags the two long-running commands run with, and how they apply them to themselves.
// Flags only take effect when a process starts (`v8.setFlagsFromString` does not resize a heap that
// exists), so each command re-executes itself with them (docs/adr/0009-sidecar-v8-flags.md,
// docs/adr/0027-operator-v8-flags.md).

/**
 * `agent-governor sidecar` (ADR 0009): semi-spaces of at most 4 MiB instead of V8's 16 MiB, and
 * after a full collection a heap limit 30 % above what is live. Under load a Node proxy grows by its
 * young generation and by promoted garbage; with these the sidecar stays about 25 MB smaller, and
 * neither is a hard limit.
 */
export const SIDECAR_NODE_FLAGS: readonly string[] = ['--max-semi-space-size=4', '--heap-growing-percent=30'];

/**
 * `agent-governor operator` (ADR 0027): smaller semi-spaces still (it allocates in bursts, not at a
 * proxy's steady rate), the same heap growth, and V8's smaller code and heap for a process bound by
 * the API server rather than its own CPU.
 */
export const OPERATOR_NODE_FLAGS: readonly string[] = [
  '--max-semi-space-size=2',
  '--heap-growing-percent=30',
  '--optimize-for-size',
];

/** glibc malloc settings of a long-running command, each unless the environment sets it. */
const LEAN_MALLOC: Readonly<Record<string, string>> = {
  // At most two arenas: Node's threads (GC helpers, compilers, the libuv pool) each get an arena
  // otherwise, and on Node 24 those hold about 14 MB under load for nothing.
  MALLOC_ARENA_MAX: '2',
  // Blocks of 128 KiB and more (response bodies, TLS records, list pages) are mapped and unmapped
  // on their own. glibc's default threshold rises to the largest block ever freed (up to 32 MiB),
  // after which such blocks come from the main heap and pin it: the operator's grew to 44 MB at a
  // cold start with 1,000 agents, 13–15 MB with a fixed threshold (ADR 0027).
  MALLOC_MMAP_THRESHOLD_: '131072',
  // Give the top of the heap back once 128 KiB of it is free.
  MALLOC_TRIM_THRESHOLD_: '131072',
};

/**
 * Environment a long-running command starts with: LEAN_MALLOC. glibc reads these when the process
 * starts, so they go with the re-exec too. A value the environment already has wins.
 */
export function leanProcessEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const missing = Object.entries(LEAN_MALLOC).filter(([name]) => env[name] === undefined);
  return missing.length === 0 ? env : { ...env, ...Object.fromEntries(missing) };
}

/** Whether the process already runs with its own choice of semi-space size (ours, or the pod's). */
export function hasSemiSpaceFlag(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string = process.env['NODE_OPTIONS'] ?? '',
): boolean {
  const given = (arg: string) => /^--max[-_]semi[-_]space[-_]size(=|$)/.test(arg);
  return execArgv.some(given) || nodeOptions.split(/\s+/).some(given);
}

/**
 * Replaces this process with itself plus `flags` and `leanProcessEnvironment()` (same pid, same
 * stdio, nothing left behind), unless it has a semi-space size already (ours, or the user's
 * choice). Needs `process.execve` (Node 22.15, 23.11 and later; the image runs Node 24). Returns
 * false when it did not replace the process: older Node then runs without the flags rather than
 * keep a second process alive just to wait.
 */
export function relaunchWithNodeFlags(flags: readonly string[]): boolean {
  if (hasSemiSpaceFlag()) return false;
  const proc = process as NodeJS.Process & {
    execve?: (file: string, args: string[], env: NodeJS.ProcessEnv) => never;
  };
  if (typeof proc.execve !== 'function') return false;
  try {
    return proc.execve(
      process.execPath,
      [process.execPath, ...flags, ...process.execArgv, ...process.argv.slice(1)],
      leanProcessEnvironment(),
    );
  } catch {
    return false; // execve failed (it returns only then): run as we are
  }
}
