// A loopback TCP relay in front of one or more real servers, what a Kubernetes Service is to its
// endpoints: each new connection goes to the next target in turn (round robin), and a target that
// refuses is skipped for the next, as a dead pod leaves the endpoints. TLS passes through untouched.
// A test can break the network with it: `cut()` resets every open connection and refuses new ones
// until `restore()`; `loseAnswers()` keeps forwarding what clients send but drops what the targets
// answer — requests are served and their answers never arrive — until the next cut.
import type { AddressInfo } from 'node:net';
import { connect, createServer, type Socket } from 'node:net';

export interface TcpRelay {
  /** `<scheme>://127.0.0.1:PORT` (the first target's scheme): use in place of the targets' URL. */
  url: string;
  /** Connections relayed so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** New connections go to these targets from now on (a pod restarted on another port). */
  setTargets(targets: readonly string[]): void;
  cut(): void;
  restore(): void;
  loseAnswers(): void;
  close(): Promise<void>;
}

/** Starts a relay to `targets` (URLs; only host and port are used). */
export async function startTcpRelay(targets: readonly string[]): Promise<TcpRelay> {
  if (targets.length === 0) throw new Error('a TCP relay needs at least one target URL');
  let endpoints = targets.map((target) => new URL(target));
  const pairs = new Set<[Socket, Socket]>();
  let next = 0;
  let connections = 0;
  let refusing = false;
  let losing = false;

  const relay = (client: Socket, tries: number) => {
    const target = endpoints[next++ % endpoints.length] as URL;
    const upstream = connect(Number(target.port), target.hostname);
    upstream.once('error', (error: NodeJS.ErrnoException) => {
      // Refused before connecting: the next endpoint, as a Service would route around a dead pod.
      if (!upstream.remoteAddress && error.code === 'ECONNREFUSED' && tries > 1 && !client.destroyed) {
        relay(client, tries - 1);
      } else client.destroy();
    });
    upstream.once('connect', () => {
      const pair: [Socket, Socket] = [client, upstream];
      pairs.add(pair);
      connections++;
      const drop = () => {
        client.destroy();
        upstream.destroy();
        pairs.delete(pair);
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.on('data', (chunk) => {
        if (!losing && !client.write(chunk)) {
          upstream.pause();
          client.once('drain', () => upstream.resume());
        }
      });
      upstream.on('end', () => client.end());
      client.resume();
    });
  };

  const server = createServer({ pauseOnConnect: true }, (client) => {
    if (refusing) {
      client.resetAndDestroy();
      return;
    }
    client.on('error', () => client.destroy());
    relay(client, endpoints.length);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scheme = (endpoints[0] as URL).protocol;
  return {
    url: `${scheme}//127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    get open() {
      return pairs.size;
    },
    setTargets(list) {
      if (list.length === 0) throw new Error('a TCP relay needs at least one target URL');
      endpoints = list.map((target) => new URL(target));
    },
    cut() {
      refusing = true;
      losing = false;
      for (const [client, upstream] of pairs) {
        resetSocket(client);
        resetSocket(upstream);
      }
      pairs.clear();
    },
    restore() {
      refusing = false;
    },
    loseAnswers() {
      losing = true;
    },
    close() {
      for (const [client, upstream] of pairs) {
        client.destroy();
        upstream.destroy();
      }
      pairs.clear();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Resets `socket` (RST), or only closes it when its side is already ending: Node's resetAndDestroy()
 * on a socket whose end() has begun fails with EINVAL and leaves the handle open, so the process
 * never exits (a target that closed just before a cut).
 */
export function resetSocket(socket: Socket): void {
  if (socket.writableEnded || socket.destroyed) socket.destroy();
  else socket.resetAndDestroy();
}
