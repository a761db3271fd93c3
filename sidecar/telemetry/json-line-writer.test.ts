import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Logger, type LoggerOptions, pino } from 'pino';
import { jsonLineWriter } from './json-line-writer.js';
import { logRequest } from './request-log.js';
import { requestRecord } from './testdata/request-records.js';

function logger(options: LoggerOptions = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return {
    logger: pino({ timestamp: false, ...options }, { write: (line: string) => void lines.push(line) }),
    lines,
  };
}

const FIELDS = {
  traceId: 'abc',
  tokens: { input: 3, output: 4 },
  decisions: ['clamped:max_tokens=4096'],
  text: 'quote " and newline \n and é',
};

describe('jsonLineWriter', () => {
  const plain: [string, LoggerOptions][] = [
    ['pino defaults', {}],
    ['base bindings', { base: { component: 'sidecar' } }],
    ['no base', { base: null }],
    ['a time function', { timestamp: () => ',"time":"fixed"' }],
  ];
  for (const [name, options] of plain) {
    it(`writes exactly what pino writes, with ${name}`, () => {
      const viaPino = logger(options);
      viaPino.logger.warn(FIELDS, 'request');
      const direct = logger(options);
      const write = jsonLineWriter(direct.logger);
      assert.ok(write, 'a plain logger gets a direct writer');
      write('warn', JSON.stringify(FIELDS).slice(1, -1), 'request');
      assert.equal(direct.lines[0], viaPino.lines[0]);
    });
  }

  it('writes the bindings of a child logger', () => {
    const parent = logger();
    const child = parent.logger.child({ agent: 'team-a/bot' });
    jsonLineWriter(child)!('info', '"x":1', 'request');
    child.info({ x: 1 }, 'request');
    assert.equal(parent.lines[0], parent.lines[1]);
  });

  const special: [string, LoggerOptions][] = [
    ['a mixin', { mixin: () => ({ pod: 'p-1' }) }],
    ['a log formatter', { formatters: { log: (o: Record<string, unknown>) => ({ ...o, formatted: true }) } }],
    ['redaction', { redact: ['traceId'] }],
    ['a nested key', { nestedKey: 'payload' }],
    ['another message key', { messageKey: 'message' }],
    ['serializers', { serializers: { tokens: () => 'hidden' } }],
    ['a stream hook', { hooks: { streamWrite: (line: string) => line } }],
  ];
  for (const [name, options] of special) {
    it(`leaves a logger with ${name} to pino, and the request line keeps what it adds`, () => {
      const log = logger(options);
      assert.equal(jsonLineWriter(log.logger), undefined);
      const record = requestRecord();
      logRequest(log.logger, record);
      assert.equal(log.lines.length, 1);
      const line = JSON.parse(log.lines[0]!) as Record<string, unknown>;
      if (name === 'a mixin') assert.equal(line['pod'], 'p-1');
      if (name === 'a log formatter') assert.equal(line['formatted'], true);
      if (name === 'redaction') assert.equal(line['traceId'], '[Redacted]');
      if (name === 'a nested key')
        assert.equal((line['payload'] as Record<string, unknown>)['traceId'], record.traceId);
      if (name === 'another message key') assert.equal(line['message'], 'request');
      if (name === 'serializers') assert.equal(line['tokens'], 'hidden');
    });
  }
});
