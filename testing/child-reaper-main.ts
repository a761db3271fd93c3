// Entry point of the child reaper (see child-reaper.ts): `node child-reaper-main.js`. Reads pids
// from stdin, one a line; when stdin ends — the test process exited, however it died, because the
// kernel closes its end of the pipe — SIGKILLs every pid it was given that still runs, then exits.
import { createInterface } from 'node:readline';

const pids = new Set<number>();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const [verb, value] = line.trim().split(' ');
  const pid = Number(value);
  if (!Number.isInteger(pid) || pid <= 0) return;
  if (verb === 'add') pids.add(pid);
  else if (verb === 'forget') pids.delete(pid);
});
lines.on('close', () => {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  process.exit(0);
});
