// A loopback TCP proxy whose target a test switches: the one address (a virtual IP, a DNS name) that a failover
// moves from a dead server to its replacement. Clients keep the proxy's port throughout.
import net from 'node:net';

export interface TcpTarget {
  host: string;
  port: number;
}

export interface TcpProxy {
  port: number;
  /** New connections go to `target` from now on; those open now are reset, as a moved address resets them. */
  switchTo(target: TcpTarget): void;
  /** Connections through the proxy now. */
  openConnections(): number;
  close(): Promise<void>;
}

export async function startTcpProxy(initial: TcpTarget): Promise<TcpProxy> {
  let target = initial;
  const open = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(target);
    open.add(client);
    // A failed side takes the other with it; a side that ends cleanly ends the other through the pipes.
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cut);
    upstream.on('error', cut);
    client.once('close', () => {
      open.delete(client);
      upstream.destroy();
    });
    upstream.once('close', () => client.end());
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the TCP proxy has no port');
  const resetAll = () => {
    for (const client of open) client.resetAndDestroy();
  };
  return {
    port: address.port,
    switchTo: (next) => {
      target = next;
      resetAll();
    },
    openConnections: () => open.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        resetAll();
      }),
  };
}
