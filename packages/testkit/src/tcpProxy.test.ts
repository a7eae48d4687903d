import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from './eventually';
import { startTcpProxy, type TcpProxy, type TcpTarget } from './tcpProxy';

/** A server that answers every line with its name and the line. */
async function namedEcho(name: string): Promise<TcpTarget & { close(): void }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => socket.write(`${name}:${chunk.toString()}`));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as net.AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    close: () => {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/** A connection through the proxy: what it answers to `line`, and how it ended. */
async function connect(port: number) {
  const socket = net.connect(port, '127.0.0.1');
  const ended = new Promise<string>((resolve) => {
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    socket.on('close', () => resolve('closed'));
  });
  const ask = (line: string) =>
    new Promise<string>((resolve) => {
      socket.once('data', (chunk) => resolve(chunk.toString()));
      socket.write(line);
    });
  return { socket, ask, ended };
}

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function proxyTo(target: TcpTarget): Promise<TcpProxy> {
  const proxy = await startTcpProxy(target);
  cleanups.push(() => proxy.close());
  return proxy;
}

describe('startTcpProxy', () => {
  it('forwards both ways to its target', async () => {
    const a = await namedEcho('a');
    cleanups.push(a.close);
    const proxy = await proxyTo(a);
    const conn = await connect(proxy.port);
    expect(await conn.ask('hello')).toBe('a:hello');
    expect(proxy.openConnections()).toBe(1);
    conn.socket.end();
    await conn.ended;
  });

  it('sends new connections to the new target after a switch and resets those to the old one', async () => {
    const a = await namedEcho('a');
    const b = await namedEcho('b');
    cleanups.push(a.close, b.close);
    const proxy = await proxyTo(a);
    const before = await connect(proxy.port);
    expect(await before.ask('1')).toBe('a:1');

    proxy.switchTo(b);
    expect(await before.ended).toBe('ECONNRESET');
    const after = await connect(proxy.port);
    expect(await after.ask('2')).toBe('b:2');
    after.socket.end();
    await after.ended;
  });

  it('closes a connection at once when its target refuses it', async () => {
    const gone = await namedEcho('gone');
    gone.close();
    const proxy = await proxyTo(gone);
    const conn = await connect(proxy.port);
    expect(await conn.ended).toBe('closed');
    await eventually(
      'no connection through the proxy',
      async () => proxy.openConnections(),
      (n) => n === 0,
      2_000,
      10,
    );
  });
});
