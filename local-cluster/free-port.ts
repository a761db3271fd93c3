// Free loopback TCP ports for processes a test starts and tells which port to listen on. The ports
// come from below the kernel's ephemeral range (ip_local_port_range): a port the kernel hands out
// for `listen(0)` comes from that range, which is also where every outgoing connection takes its
// source port, so between our check and the child's bind a busy suite's own client connections
// could take it (EADDRINUSE). Below the range only another listener can. All requested ports are
// held open together before any is released, so one call never hands out the same port twice.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** The lowest port handed out: below it are the well-known and commonly configured ones. */
const LOWEST_PORT = 20_000;
/** Tries before falling back to a kernel-picked port (a crowded range, or no range below). */
const TRIES_PER_PORT = 64;

export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const servers: Server[] = [];
  const below = ephemeralRangeStart();
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      ports.push(await holdOne(servers, host, below));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((server) => new Promise((done) => server.close(done))));
  }
}

async function holdOne(servers: Server[], host: string, below: number): Promise<number> {
  for (let attempt = 0; below > LOWEST_PORT && attempt < TRIES_PER_PORT; attempt++) {
    const port = LOWEST_PORT + Math.floor(Math.random() * (below - LOWEST_PORT));
    const server = createServer();
    try {
      const bound = await listen(server, port, host);
      servers.push(server);
      return bound;
    } catch {
      await new Promise((done) => server.close(done));
    }
  }
  const server = createServer();
  servers.push(server);
  return listen(server, 0, host);
}

/** The first port of the kernel's ephemeral range; 32768 (Linux's default) when it cannot be read. */
function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const port = Number(low);
    return Number.isInteger(port) && port > 0 ? port : 32_768;
  } catch {
    return 32_768;
  }
}

/** Whether a port can be bound on host right now (nothing listens on it). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  const server = createServer();
  try {
    await listen(server, port, host);
    return true;
  } catch {
    return false;
  } finally {
    await new Promise((done) => server.close(done));
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error(`could not read the port bound on ${host}`));
    });
  });
}
