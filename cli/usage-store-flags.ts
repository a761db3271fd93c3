// The `--usage-store` flags of `agent-governor operator`: where usage counters, the sidecars'
// sequences and the ledgers the controllers read are kept — the API server (the default: nothing
// else to install) or a shared Redis/Valkey (docs/scale.md says when). The password comes from a
// file (a mounted Secret key), never from the command line.
import { readFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { redisConnection } from '../sidecar-services/usage-store/redis-connection.js';
import {
  apiServerUsageStore,
  USAGE_STORE_KINDS,
  type UsageStore,
  type UsageStoreKind,
} from '../sidecar-services/usage-store/usage-store.js';
import { boolean } from './option-values.js';

export interface UsageStoreFlags {
  usageStore: UsageStoreKind;
  redisUrl?: string;
  redisTls: boolean;
  redisPasswordFile?: string;
  redisCaFile?: string;
}

export function addUsageStoreOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--usage-store <store>',
        'where usage counters and dedup state live. apiserver: one AgentUsageLedger per agent, written per batch ' +
          '(small clusters); redis: a shared Redis or Valkey (--redis-url), budget and SLO status still written per budget',
      )
        .choices([...USAGE_STORE_KINDS])
        .default('apiserver'),
    )
    .addOption(
      new Option(
        '--redis-url <url>',
        'the usage store with --usage-store redis: redis://host:6379/0 or rediss://…',
      ),
    )
    .addOption(
      new Option('--redis-tls [enabled]', 'TLS to the usage store even with a redis:// URL (true|false)')
        .default(false)
        .argParser(boolean),
    )
    .addOption(
      new Option(
        '--redis-password-file <file>',
        "file holding the usage store's password (a mounted Secret key)",
      ),
    )
    .addOption(
      new Option('--redis-ca-file <file>', "PEM bundle to verify the usage store's TLS certificate with"),
    );
}

/**
 * The store the flags ask for; rejects naming the flag when they do not fit together. The Redis
 * client is loaded only when asked for (`--help` and the other commands never load it).
 */
export async function usageStoreFrom(
  flags: UsageStoreFlags,
  client: KubeClient,
  onError?: (err: Error) => void,
  read: (file: string) => string = (file) => readFileSync(file, 'utf8'),
): Promise<UsageStore> {
  if (flags.usageStore === 'apiserver') {
    const stray = flags.redisUrl
      ? '--redis-url'
      : flags.redisPasswordFile
        ? '--redis-password-file'
        : undefined;
    if (stray) throw new Error(`${stray} is given but --usage-store is apiserver; add --usage-store redis`);
    return apiServerUsageStore(client);
  }
  if (!flags.redisUrl)
    throw new Error('--usage-store redis needs --redis-url (redis://host:6379 or rediss://host:6380)');
  const readFlag = (flag: string, file: string) => {
    try {
      return read(file);
    } catch (err) {
      throw new Error(`${flag}: cannot read ${file}: ${(err as Error).message}`);
    }
  };
  const connection = redisConnection({
    url: flags.redisUrl,
    tls: flags.redisTls,
    ...(flags.redisPasswordFile
      ? { password: readFlag('--redis-password-file', flags.redisPasswordFile) }
      : {}),
    ...(flags.redisCaFile ? { caPem: readFlag('--redis-ca-file', flags.redisCaFile) } : {}),
  });
  const { redisUsageStore } = await import('../sidecar-services/usage-store/redis-usage-store.js');
  return redisUsageStore(connection, onError ? { onError } : {});
}

/** The flags as a command that may be called without them sees them (default: the API server). */
export function readingFlags(flags: Partial<UsageStoreFlags>): UsageStoreFlags {
  return {
    ...flags,
    usageStore: flags.usageStore ?? 'apiserver',
    redisTls: flags.redisTls ?? false,
  };
}

/**
 * The store a command run by a person reads usage from (cockpit, dataflows, audit report): the same
 * flags as the operator's; rejects naming the flag to fix when the store does not answer.
 */
export async function usageStoreForReading(flags: UsageStoreFlags, client: KubeClient): Promise<UsageStore> {
  const store = await usageStoreFrom(flags, client);
  try {
    await store.ready();
  } catch (err) {
    await store.close();
    throw new Error(unreachableStoreMessage((err as Error).message));
  }
  return store;
}

/** What to do when the store does not answer, naming the flag (pure). */
export function unreachableStoreMessage(problem: string): string {
  if (/NOAUTH|WRONGPASS|invalid password|invalid username-password/i.test(problem)) {
    return `${problem}; give the store's password with --redis-password-file (a file holding it)`;
  }
  if (/certificate|self[- ]signed|SSL|TLS|EPROTO|wrong version number/i.test(problem)) {
    return `${problem}; check --redis-tls and --redis-ca-file (the PEM bundle that signed the store's certificate)`;
  }
  return (
    `${problem}; check --redis-url (the operator's --usage-store flags: \`kubectl -n <operator namespace> get ` +
    'deploy -o yaml | grep redis`). From outside the cluster reach the store first, e.g. ' +
    '`kubectl -n <operator namespace> port-forward svc/<release>-usage-store 6379` and ' +
    '--redis-url redis://127.0.0.1:6379/<db>'
  );
}
