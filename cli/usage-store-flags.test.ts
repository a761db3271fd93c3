import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import type { KubeClient } from '../runtime/kube/kube-client.js';
import { addUsageStoreOptions, type UsageStoreFlags, usageStoreFrom } from './usage-store-flags.js';

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
