// A pg pool that works for the current gRPC call (callScope): a bounded queue for a connection, and no work
// left behind once the caller gives up. node-pg takes no AbortSignal, so a connection in use when its call is
// cancelled or expires gets its running statement cancelled (PostgreSQL's CancelRequest) and is closed, never
// reused: a late cancel cannot hit another call's statement, and its transaction ends with it.
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { CallCancelledError, currentCallScope } from '../grpc/callScope';
import { OverloadedError } from '../grpc/overloaded';
import { sendCancelRequest } from './cancelRequest';

type ConnectCallback = (err: Error | undefined, client: PoolClient | undefined, done: (release?: Error | boolean) => void) => void;

/** What node-pg keeps of a connection that its types do not show. */
interface ConnectedClient {
  host: string;
  port: number;
  processID: number | null;
  secretKey: number | null;
}

const noop = () => undefined;

export class CallAwarePool extends Pool {
  private readonly maxWaiting: number;

  constructor(config: PoolConfig & { maxWaiting: number }) {
    const { maxWaiting, ...poolConfig } = config;
    super(poolConfig);
    this.maxWaiting = maxWaiting;
  }

  override connect(): Promise<PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<PoolClient> | void {
    if (!callback) return new Promise((resolve, reject) => this.connect((err, client) => (err || !client ? reject(err) : resolve(client))));
    const signal = currentCallScope()?.signal;
    // Outside a call (workers, health pings) there are few waiters, each on its own schedule: no bound.
    if (!signal) return super.connect(callback);
    if (this.waitingCount >= this.maxWaiting) {
      process.nextTick(() => callback(new OverloadedError('database connection pool'), undefined, noop));
      return;
    }
    if (signal.aborted) {
      process.nextTick(() => callback(new CallCancelledError(), undefined, noop));
      return;
    }
    let gaveUp = false;
    const stopWaiting = () => {
      gaveUp = true;
      callback(new CallCancelledError(), undefined, noop);
    };
    signal.addEventListener('abort', stopWaiting, { once: true });
    super.connect((err, client) => {
      signal.removeEventListener('abort', stopWaiting);
      if (gaveUp) return client?.release();
      if (err || !client) return callback(err, client, noop);
      bindToCall(client, signal);
      callback(undefined, client, client.release);
    });
  }
}

/** Until the client is released, the call giving up cancels its statement and closes it. */
function bindToCall(client: PoolClient, signal: AbortSignal): void {
  const release = client.release.bind(client);
  const abandon = () => {
    const { host, port, processID, secretKey } = client as unknown as ConnectedClient;
    if (processID !== null && secretKey !== null) void sendCancelRequest({ host, port, processId: processID, secretKey });
    // Checked-out clients have no error listener; this one is being thrown away.
    client.on('error', noop);
    void client.end().catch(noop);
  };
  signal.addEventListener('abort', abandon, { once: true });
  client.release = (err?: Error | boolean) => {
    signal.removeEventListener('abort', abandon);
    release(err);
  };
}
