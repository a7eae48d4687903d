import fs from 'node:fs';
import net from 'node:net';

/** Where the lowest port picked lies; below it are the ports of well-known servers. */
const lowestPort = 10_000;

/**
 * A TCP port that was free a moment ago, for a child process to listen on later. It is picked below the
 * kernel's ephemeral range where there is room: the kernel hands ports of that range to outgoing connections
 * and to listens on port 0, and one of those could take it before the child listens (seen in CI: a service's
 * admin port held by another test's connection through five restarts).
 */
export async function freePort(): Promise<number> {
  const highestPort = ephemeralRangeStart() - 1;
  if (highestPort - lowestPort >= 1_000)
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = lowestPort + Math.floor(Math.random() * (highestPort - lowestPort + 1));
      if ((await listenOnce(port)) === port) return port;
    }
  return listenOnce(0);
}

function ephemeralRangeStart(): number {
  try {
    const start = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > 0 ? start : 32_768;
  } catch {
    return 32_768;
  }
}

/** Listens on `port` on every address (0: one the kernel picks) and closes again; the port, or 0 when it was taken. */
function listenOnce(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (err: NodeJS.ErrnoException) => (port !== 0 && err.code === 'EADDRINUSE' ? resolve(0) : reject(err)));
    server.listen(port, '0.0.0.0', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}
