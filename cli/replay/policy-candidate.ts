import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';

/** A candidate sidecar started in this process, and how to stop it. */
export interface PolicyCandidate {
  url: string;
  close(): Promise<void>;
}

/**
 * `--policy FILE`: a standalone sidecar in this process, on a free loopback port, from a
 * SidecarConfig file (the file `agent-governor sidecar --config` takes), its usage spooled to a
 * temporary directory removed at close. Its warnings go to stderr; its request log is dropped, the
 * report says the same and more. Rejects with the config's own error (file, line and field).
 */
export async function startPolicyCandidate(configFile: string): Promise<PolicyCandidate> {
  const { startSidecar } = await import('../../sidecar/main.js');
  const dir = mkdtempSync(join(tmpdir(), 'agent-governor-replay-'));
  try {
    const sidecar = await startSidecar({
      host: '127.0.0.1',
      port: 0,
      config: configFile,
      spoolDir: dir,
      logger: pino({ level: 'warn', base: { component: 'replay-candidate' } }, pino.destination(2)),
    });
    return {
      url: sidecar.url,
      async close() {
        await sidecar.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
