// Leadership across replicas with a session-level PostgreSQL advisory lock on a dedicated connection:
// whoever holds it leads until its session ends (including by a crash). A leader whose peer vanished
// without a FIN (a host gone, a network dropping everything) must not hold the lock for the kernel's
// keepalive time, so both ends bound the session:
// - the leader checks every heartbeat, with a timeout, that its session still holds the lock, and gives
//   leadership up as soon as a check fails;
// - the server ends the session when nothing arrives on it for `serverIdleTimeoutMs` (the heartbeat keeps
//   a live one busy), or when TCP finds the peer gone, and so frees the lock for a standby.
// The leader gives up (heartbeat + check timeout) before the server frees the lock (idle timeout).
import { Client, type ClientConfig } from 'pg';

export interface Leadership {
  /** True when this process holds the lock (taking it if free). */
  tryLead(): Promise<boolean>;
  /** Whether leadership still holds now; false from the moment a heartbeat failed. */
  isLeading(): boolean;
  release(): Promise<void>;
}

export interface LeadershipTiming {
  heartbeatMs: number;
  /** Bound of every connect and query on the lock's session. */
  checkTimeoutMs: number;
  /** The server ends the session after this long without a query. */
  serverIdleTimeoutMs: number;
}

export const defaultLeadershipTiming: LeadershipTiming = { heartbeatMs: 2_000, checkTimeoutMs: 3_000, serverIdleTimeoutMs: 10_000 };

export function advisoryLeadership(
  connection: ClientConfig,
  lockKey: number,
  timing: LeadershipTiming = defaultLeadershipTiming,
  onLost: (reason: string) => void = () => undefined,
): Leadership {
  if (timing.heartbeatMs + timing.checkTimeoutMs >= timing.serverIdleTimeoutMs)
    throw new Error('a leader must notice a dead session before the server frees its lock');
  let session: Client | undefined;
  let leading = false;
  let heartbeat: NodeJS.Timeout | undefined;

  const lose = (reason: string) => {
    if (!leading) return;
    leading = false;
    clearTimeout(heartbeat);
    onLost(reason);
  };

  /** Forgets the session without a goodbye: its peer may be gone, and the server ends its side anyway. */
  const drop = (client: Client, reason: string) => {
    if (session === client) {
      session = undefined;
      lose(reason);
    }
    client.connection.stream.destroy();
  };

  const open = async (): Promise<Client> => {
    const client = new Client({
      ...connection,
      keepAlive: true,
      keepAliveInitialDelayMillis: timing.heartbeatMs,
      connectionTimeoutMillis: timing.checkTimeoutMs,
      query_timeout: timing.checkTimeoutMs,
      options: [connection.options, serverSideBounds(timing)].filter(Boolean).join(' '),
    });
    client.on('error', (err) => drop(client, err.message));
    try {
      await client.connect();
    } catch (err) {
      client.connection.stream.destroy();
      throw err;
    }
    return client;
  };

  const check = async () => {
    const client = session;
    if (!client || !leading) return;
    try {
      const { rows } = await client.query<{ held: boolean }>({
        text: `SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                 AND objsubid = 1 AND ((classid::bigint << 32) | objid::bigint) = $1) AS held`,
        values: [lockKey],
      });
      if (!rows[0]?.held) return drop(client, 'the session no longer holds the lock');
    } catch (err) {
      return drop(client, `heartbeat failed: ${(err as Error).message}`);
    }
    if (session === client && leading) heartbeat = setTimeout(() => void check(), timing.heartbeatMs).unref();
  };

  return {
    async tryLead() {
      if (leading) return true;
      session ??= await open();
      const client = session;
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lockKey]);
        if (!rows[0]?.locked) return false;
      } catch (err) {
        drop(client, (err as Error).message);
        throw err;
      }
      leading = true;
      heartbeat = setTimeout(() => void check(), timing.heartbeatMs).unref();
      return true;
    },
    isLeading: () => leading,
    async release() {
      const client = session;
      session = undefined;
      leading = false;
      clearTimeout(heartbeat);
      if (!client) return;
      // Ending the session frees the lock; a session that does not answer is ended by the server.
      await Promise.race([client.end().catch(() => undefined), new Promise((r) => setTimeout(r, timing.checkTimeoutMs).unref())]);
      client.connection.stream.destroy();
    },
  };
}

/** Server settings of the lock's session: end it when it goes quiet, or when TCP finds its peer gone. */
function serverSideBounds(timing: LeadershipTiming): string {
  const probeS = Math.max(1, Math.floor(timing.heartbeatMs / 1000));
  return [
    `-c idle_session_timeout=${timing.serverIdleTimeoutMs}`,
    `-c tcp_keepalives_idle=${probeS}`,
    `-c tcp_keepalives_interval=${probeS}`,
    '-c tcp_keepalives_count=3',
    `-c tcp_user_timeout=${timing.serverIdleTimeoutMs}`,
  ].join(' ');
}
