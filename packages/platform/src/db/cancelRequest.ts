// PostgreSQL's CancelRequest (what psql sends on Ctrl-C): a separate connection that asks the server to
// interrupt whatever the backend `processId` is running. It needs no login and no connection of the pool.
import net from 'node:net';

const cancelRequestCode = 80877102;

export function sendCancelRequest(target: { host: string; port: number; processId: number; secretKey: number }): Promise<void> {
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(cancelRequestCode, 4);
  message.writeInt32BE(target.processId, 8);
  message.writeInt32BE(target.secretKey, 12);
  return new Promise((resolve) => {
    const socket = target.host.startsWith('/')
      ? net.connect(`${target.host}/.s.PGSQL.${target.port}`)
      : net.connect(target.port, target.host);
    socket.setTimeout(5_000, () => socket.destroy());
    // The server answers nothing and closes the connection once it has signalled the backend.
    socket.once('connect', () => socket.end(message));
    socket.once('error', () => undefined);
    socket.once('close', () => resolve());
  });
}
