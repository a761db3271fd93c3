// A real redis-server (Debian's package, or $AGENT_GOVERNOR_REDIS_SERVER) on a free loopback port,
// with its data in a temporary directory and an append-only file fsynced every second, as the
// chart's bundled store runs. It can be killed (a crash: only the fsynced file survives), stopped
// (SHUTDOWN: everything written survives) and started again on the same port and directory.
// Registered with the reaper, so it never outlives the test process.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetChild, reapWithTest } from './child-reaper.js';

export const REDIS_SERVER_BIN = process.env['AGENT_GOVERNOR_REDIS_SERVER'] ?? '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** `everysec` (default, the chart's), `always` or `no`; `off`: no append-only file at all. */
  appendfsync?: 'everysec' | 'always' | 'no' | 'off';
  password?: string;
}

export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<unknown> = Promise.resolve();
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly options: RedisServerOptions,
  ) {}

  /** Starts one on a free port with a fresh directory. */
  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'governor-redis-')), options);
    await server.restart();
    return server;
  }

  /** The running server's process id (its CPU and RSS, for the benchmarks); undefined before start. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it (again) on the same port and directory; resolves once it accepts connections. */
  async restart(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      throw new Error(`redis-server on port ${this.port} is running; kill or stop it first`);
    }
    const fsync = this.options.appendfsync ?? 'everysec';
    const args = [
      '--port',
      String(this.port),
      '--bind',
      '127.0.0.1',
      '--dir',
      this.dir,
      '--save',
      '',
      '--daemonize',
      'no',
      '--protected-mode',
      'yes',
      ...(fsync === 'off' ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', fsync]),
      ...(this.options.password ? ['--requirepass', this.options.password] : []),
    ];
    const child = spawn(REDIS_SERVER_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const pid = child.pid;
    if (pid === undefined)
      throw new Error(`could not start ${REDIS_SERVER_BIN}: is Debian's redis-server installed?`);
    reapWithTest(pid);
    this.child = child;
    this.output = '';
    this.exited = once(child, 'exit').then(() => forgetChild(pid));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not get ready in 10 s:\n${this.output}`)),
        10_000,
      );
      const onData = (chunk: Buffer) => {
        this.output = (this.output + chunk.toString()).slice(-64 * 1024);
        if (this.output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) before it was ready:\n${this.output}`));
      });
    });
  }

  /** SIGKILL: a crash; what the append-only file had fsynced survives. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM: redis-server writes its append-only file and exits. */
  async stop(): Promise<void> {
    this.child?.kill('SIGTERM');
    await this.exited;
  }

  /** Stops it and removes its directory. */
  async close(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no free port on 127.0.0.1');
  return address.port;
}
