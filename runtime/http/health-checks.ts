// /healthz and /readyz answers, shaped like the API server's own: `ok`, or with `?verbose` one
// `[+]name ok` / `[-]name failed: why` line per check. Pure: the checks are functions of state.

export interface Check {
  name: string;
  /** undefined when healthy, else why not (a sentence). */
  problem(): string | undefined;
}

export interface CheckReport {
  status: 200 | 503;
  body: string;
}

export function runChecks(endpoint: 'healthz' | 'readyz', checks: Check[], verbose: boolean): CheckReport {
  const results = checks.map((check) => {
    let problem: string | undefined;
    try {
      problem = check.problem();
    } catch (err) {
      problem = `the check threw: ${(err as Error).message}`;
    }
    return { name: check.name, problem };
  });
  const failed = results.filter((r) => r.problem !== undefined);
  const status = failed.length === 0 ? 200 : 503;
  if (!verbose && status === 200) return { status, body: 'ok\n' };
  const lines = results.map((r) =>
    r.problem === undefined ? `[+]${r.name} ok` : `[-]${r.name} failed: ${r.problem}`,
  );
  lines.push(status === 200 ? `${endpoint} check passed` : `${endpoint} check failed`);
  return { status, body: `${lines.join('\n')}\n` };
}
