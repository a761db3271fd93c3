import { type Level, type Logger, stdTimeFunctions, symbols } from 'pino';

/**
 * Writes one JSON log line made of fields serialised beforehand — `members`, the members of one JSON
 * object without its braces (`"a":1,"b":"x"`, or '' for none); see `jsonLineWriter`. `timeMs`, when
 * given, is the time the line is about (epoch ms), used when the logger writes epoch times.
 */
export type JsonLineWriter = (level: Level, members: string, msg: string, timeMs?: number) => void;

const writers = new WeakMap<Logger, JsonLineWriter | null>();

/**
 * A writer that puts a line on `logger`'s stream exactly as `logger[level](fields, msg)` would —
 * level, time and bindings first, then the fields, then the message — when the fields are already
 * JSON text (written by the caller, instead of pino's per-field serialisation: a third of the cost
 * of the request line). Only for a plain logger: one with a mixin, a log formatter, hooks,
 * redaction, serializers of its own, another message key, a nested key or a stream that wants metadata gets
 * undefined, and its caller logs through pino. Decided once per logger.
 */
export function jsonLineWriter(logger: Logger): JsonLineWriter | undefined {
  let writer = writers.get(logger);
  if (writer === undefined) {
    writer = plain(logger) ? directWriter(logger) : null;
    writers.set(logger, writer);
  }
  return writer ?? undefined;
}

type Internals = Record<symbol, unknown>;

function plain(logger: Logger): boolean {
  const internals = logger as unknown as Internals;
  const stream = internals[symbols.streamSym] as { write?: unknown } & Internals;
  const formatters = internals[symbols.formattersSym] as { log?: unknown } | undefined;
  const hooks = internals[symbols.hooksSym] as { logMethod?: unknown; streamWrite?: unknown } | undefined;
  const serializers = internals[symbols.serializersSym] as Record<string, unknown> | undefined;
  const stringifiers = internals[symbols.stringifiersSym] as Record<string | symbol, unknown> | undefined;
  return (
    typeof stream?.write === 'function' &&
    stream[symbols.needsMetadataGsym] !== true &&
    internals[symbols.mixinSym] === undefined &&
    internals[symbols.messageKeySym] === 'msg' &&
    !internals[symbols.nestedKeySym] &&
    formatters?.log === undefined &&
    hooks?.logMethod === undefined &&
    hooks?.streamWrite === undefined &&
    (serializers === undefined || Object.keys(serializers).every((key) => key === 'err')) &&
    (stringifiers === undefined || Reflect.ownKeys(stringifiers).length === 0) &&
    typeof internals[symbols.timeSym] === 'function' &&
    typeof internals[symbols.chindingsSym] === 'string' &&
    typeof internals[symbols.endSym] === 'string' &&
    typeof (internals[symbols.lsCacheSym] as Record<number, unknown> | undefined)?.[
      logger.levels.values['info']!
    ] === 'string'
  );
}

function directWriter(logger: Logger): JsonLineWriter {
  const internals = logger as unknown as Internals;
  return (level, members, msg, timeMs) => {
    // pino keeps `{"level":30` (or its level formatter's output) per level number.
    const levelPrefix = (internals[symbols.lsCacheSym] as Record<number, string>)[
      logger.levels.values[level]!
    ];
    const timeFunction = internals[symbols.timeSym] as () => string;
    const time =
      timeMs !== undefined && timeFunction === stdTimeFunctions.epochTime
        ? `,"time":${Math.round(timeMs)}`
        : timeFunction();
    const fields = members === '' ? '' : `,${members}`;
    const line = `${levelPrefix}${time}${internals[symbols.chindingsSym] as string}${fields},"msg":${JSON.stringify(msg)}${internals[symbols.endSym] as string}`;
    (internals[symbols.streamSym] as { write(line: string): void }).write(line);
  };
}
