// How the operator reaches the shared usage store: a redis:// or rediss:// URL (Redis or Valkey,
// RESP), TLS forced by a flag or by the scheme, the password from a file (a mounted Secret key) so
// it is never on a command line. Pure: the flags in, the client's options or a clear error out.
import type { RedisOptions } from 'ioredis';

export interface RedisConnectionFlags {
  /** `redis://[user@]host[:port][/db]` or `rediss://…` (TLS). */
  url: string;
  /** TLS even with a redis:// URL. */
  tls?: boolean;
  /** Content of --redis-password-file (trailing newline dropped); wins over a password in the URL. */
  password?: string;
  /** PEM bundle to verify the server with (--redis-ca-file); default the system's. */
  caPem?: string;
}

export interface RedisConnection {
  options: RedisOptions;
  /** `host:port/db`, for logs and errors: never the password. */
  describe: string;
}

/** Every command gives up after this long: the sidecar resends, the write may have been applied (dedup). */
export const REDIS_COMMAND_TIMEOUT_MS = 5_000;

export function redisConnection(flags: RedisConnectionFlags): RedisConnection {
  let url: URL;
  try {
    url = new URL(flags.url);
  } catch {
    throw new Error(
      `--redis-url: "${flags.url}" is not a URL; expected redis://host:6379 or rediss://host:6380`,
    );
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    throw new Error(`--redis-url: scheme "${url.protocol}" is not supported; expected redis:// or rediss://`);
  }
  if (!url.hostname) throw new Error(`--redis-url: "${flags.url}" names no host; expected redis://host:6379`);
  const port = url.port ? Number(url.port) : 6379;
  const dbPath = url.pathname.replace(/^\//, '');
  const db = dbPath === '' ? 0 : Number(dbPath);
  if (!Number.isInteger(db) || db < 0 || db > 15) {
    throw new Error(`--redis-url: database "${dbPath}" is not a number from 0 to 15 (the path of the URL)`);
  }
  const password =
    flags.password?.replace(/\r?\n$/, '') ?? (url.password ? decodeURIComponent(url.password) : '');
  const username = url.username ? decodeURIComponent(url.username) : '';
  const tls = flags.tls === true || url.protocol === 'rediss:';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    options: {
      host,
      port,
      db,
      ...(username ? { username } : {}),
      ...(password ? { password } : {}),
      ...(tls ? { tls: { servername: host, ...(flags.caPem ? { ca: flags.caPem } : {}) } } : {}),
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      // A command waits through a short outage, then fails: the committer answers 503 and the
      // sidecar's spool resends; nothing piles up in memory while the store is away.
      maxRetriesPerRequest: 2,
      retryStrategy: (attempt: number) => Math.min(2_000, 50 * 2 ** Math.min(attempt, 6)),
      lazyConnect: true,
    },
    describe: `${tls ? 'rediss' : 'redis'}://${url.host}/${db}`,
  };
}
