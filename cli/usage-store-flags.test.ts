import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { buildProgram } from './main.js';
import {
  addUsageStoreOptions,
  readingFlags,
  type UsageStoreFlags,
  unreachableStoreMessage,
  usageStoreForReading,
  usageStoreFrom,
} from './usage-store-flags.js';

const client = {} as KubeClient;

function flagsOf(argv: string[]): UsageStoreFlags {
  const command = addUsageStoreOptions(new Command().exitOverride());
  command.parse(argv, { from: 'user' });
  return command.opts<UsageStoreFlags>();
}

describe('the usage store flags', () => {
  it('keep usage in the API server by default', async () => {
    const store = await usageStoreFrom(flagsOf([]), client);
    assert.equal(store.kind, 'apiserver');
    assert.equal(store.ledgerFeed, undefined);
  });
  it('reach Redis with the URL, TLS and the password read from its file', async () => {
    const read = (file: string) => (file === '/secret/password' ? 'pw\n' : 'unexpected');
    const store = await usageStoreFrom(
      flagsOf([
        '--usage-store',
        'redis',
        '--redis-url',
        'redis://valkey:6379/1',
        '--redis-tls',
        '--redis-password-file',
        '/secret/password',
      ]),
      client,
      undefined,
      read,
    );
    assert.equal(store.kind, 'redis');
    assert.equal(store.describe, 'rediss://valkey:6379/1');
    assert.ok(store.ledgerFeed);
    await store.close();
  });
  it('refuse flags that do not fit together, naming them', async () => {
    await assert.rejects(
      usageStoreFrom(flagsOf(['--usage-store', 'redis']), client),
      /--usage-store redis needs --redis-url/,
    );
    await assert.rejects(
      usageStoreFrom(flagsOf(['--redis-url', 'redis://r']), client),
      /--redis-url is given but --usage-store is apiserver/,
    );
    await assert.rejects(
      usageStoreFrom(
        flagsOf(['--usage-store', 'redis', '--redis-url', 'redis://r', '--redis-password-file', '/none']),
        client,
        undefined,
        () => {
          throw new Error('ENOENT');
        },
      ),
      /--redis-password-file: cannot read \/none: ENOENT/,
    );
    assert.throws(() => flagsOf(['--usage-store', 'etcd']), /Allowed choices are apiserver, redis/);
  });
});

describe('reading usage from the store the flags name', () => {
  it('are the flags of every command that writes or reads usage', () => {
    const program = buildProgram();
    const find = (path: string[]) =>
      path.reduce<Command | undefined>((c, name) => c?.commands.find((x) => x.name() === name), program);
    for (const path of [['operator'], ['services'], ['cockpit'], ['dataflows'], ['audit', 'report']]) {
      const longs = find(path)?.options.map((o) => o.long) ?? [];
      for (const flag of [
        '--usage-store',
        '--redis-url',
        '--redis-tls',
        '--redis-password-file',
        '--redis-ca-file',
      ]) {
        assert.ok(longs.includes(flag), `agent-governor ${path.join(' ')} has ${flag}`);
      }
    }
  });

  it('reads the API server when a command is given none of the flags', async () => {
    assert.deepEqual(readingFlags({}), { usageStore: 'apiserver', redisTls: false });
    const store = await usageStoreForReading(readingFlags({}), client);
    assert.equal(store.kind, 'apiserver');
  });

  it('names the flag to fix when the store does not answer', async () => {
    // A port nothing listens on: taken, then released.
    const server = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    await assert.rejects(
      usageStoreForReading(
        flagsOf(['--usage-store', 'redis', '--redis-url', `redis://127.0.0.1:${port}/2`]),
        client,
      ),
      new RegExp(
        `the usage store redis://127.0.0.1:${port}/2 does not answer: .*; check --redis-url .*port-forward`,
      ),
    );
  });

  it('says which flag a refusal points at', () => {
    assert.match(
      unreachableStoreMessage('NOAUTH Authentication required.'),
      /NOAUTH Authentication required\.; give the store's password with --redis-password-file/,
    );
    assert.match(
      unreachableStoreMessage('WRONGPASS invalid username-password pair'),
      /--redis-password-file/,
    );
    assert.match(
      unreachableStoreMessage('self-signed certificate in certificate chain'),
      /check --redis-tls and --redis-ca-file/,
    );
    assert.match(unreachableStoreMessage('connect ECONNREFUSED 127.0.0.1:6379'), /check --redis-url/);
  });
});
