import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REDIS_COMMAND_TIMEOUT_MS, redisConnection } from './redis-connection.js';

describe('redisConnection', () => {
  it('reads host, port and database from a redis:// URL, without TLS', () => {
    const { options, describe } = redisConnection({ url: 'redis://valkey.governor:6380/2' });
    assert.equal(options.host, 'valkey.governor');
    assert.equal(options.port, 6380);
    assert.equal(options.db, 2);
    assert.equal(options.tls, undefined);
    assert.equal(options.commandTimeout, REDIS_COMMAND_TIMEOUT_MS);
    assert.equal(describe, 'redis://valkey.governor:6380/2');
  });
  it('defaults to port 6379 and database 0', () => {
    const { options } = redisConnection({ url: 'redis://redis' });
    assert.deepEqual([options.port, options.db], [6379, 0]);
  });
  it('turns TLS on for rediss:// and for --redis-tls, verifying against the CA given', () => {
    assert.deepEqual(redisConnection({ url: 'rediss://r.example:6380' }).options.tls, {
      servername: 'r.example',
    });
    const forced = redisConnection({ url: 'redis://r.example', tls: true, caPem: 'PEM' });
    assert.deepEqual(forced.options.tls, { servername: 'r.example', ca: 'PEM' });
    assert.match(forced.describe, /^rediss:\/\//);
  });
  it('takes the password file over the URL, drops its trailing newline and never describes it', () => {
    const fromFile = redisConnection({ url: 'redis://user:inurl@r:6379', password: 's3cret\n' });
    assert.equal(fromFile.options.password, 's3cret');
    assert.equal(fromFile.options.username, 'user');
    assert.doesNotMatch(fromFile.describe, /s3cret|inurl/);
    assert.equal(redisConnection({ url: 'redis://:p%40ss@r' }).options.password, 'p@ss');
  });
  it('refuses what it cannot use, naming the flag and what it expects', () => {
    assert.throws(
      () => redisConnection({ url: 'valkey:6379' }),
      /--redis-url: scheme "valkey:" is not supported/,
    );
    assert.throws(() => redisConnection({ url: 'not a url' }), /--redis-url: "not a url" is not a URL/);
    assert.throws(
      () => redisConnection({ url: 'redis://r/db1' }),
      /database "db1" is not a number from 0 to 15/,
    );
  });
});
