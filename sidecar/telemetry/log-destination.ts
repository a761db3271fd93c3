import { type DestinationStream, pino } from 'pino';

export interface TurnBatchedStdout extends DestinationStream {
  /** Writes what is held now; pino's `logger.flush(cb)` calls this too. */
  flush(callback?: (err?: Error) => void): void;
}

let stdout: TurnBatchedStdout | undefined;

/**
 * Standard output for the sidecar's log lines, written once per event-loop turn. The lines logged
 * while calls finish are held and written together after the turn's I/O (a `setImmediate`), so a
 * busy sidecar makes one write for many lines instead of a blocking write per call, a line never
 * waits longer than the turn it was logged in, and the write happens after the answers of that turn
 * went out. No thread is involved (pino's asynchronous mode hands every write to the libuv pool,
 * which costs a thread wake-up per write on a small node). Lines still held when the process exits
 * are written synchronously. One per process: there is one stdout.
 */
export function turnBatchedStdout(): TurnBatchedStdout {
  if (stdout) return stdout;
  const sink = pino.destination({ dest: 1, sync: true });
  let held: string[] = [];
  let scheduled = false;
  const writeHeld = () => {
    scheduled = false;
    if (held.length === 0) return;
    const text = held.length === 1 ? (held[0] as string) : held.join('');
    held = [];
    sink.write(text);
  };
  process.once('exit', writeHeld);
  stdout = {
    write(line: string) {
      held.push(line);
      if (!scheduled) {
        scheduled = true;
        setImmediate(writeHeld);
      }
    },
    flush(callback) {
      writeHeld();
      callback?.();
    },
  };
  return stdout;
}
