// Leadership across replicas with a session-level PostgreSQL advisory lock on a dedicated
// connection: whoever holds it leads until its session ends (including by a crash).
import type { Pool, PoolClient } from 'pg';

export interface Leadership {
  /** True when this process holds the lock (taking it if free). */
  tryLead(): Promise<boolean>;
  release(): Promise<void>;
}

export function advisoryLeadership(pool: Pool, lockKey: number): Leadership {
  let holder: PoolClient | undefined;
  const drop = (client: PoolClient, broken: boolean) => {
    if (holder === client) holder = undefined;
    client.release(broken);
  };
  return {
    async tryLead() {
      if (holder) return true;
      const client = await pool.connect();
      client.on('error', () => drop(client, true));
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lockKey]);
        if (rows[0]?.locked) {
          holder = client;
          return true;
        }
        drop(client, false);
        return false;
      } catch (err) {
        drop(client, true);
        throw err;
      }
    },
    async release() {
      const client = holder;
      if (!client) return;
      holder = undefined;
      // Ending the session frees the lock even if the unlock itself fails.
      await client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
      client.release(true);
    },
  };
}
