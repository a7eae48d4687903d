// Leadership across replicas with a session-level PostgreSQL advisory lock on a dedicated
// connection: whoever holds it leads until its session ends (including by a crash).
import type { Pool, PoolClient } from 'pg';

export interface Leadership {
  /** True when this process holds the lock (taking it if free). */
  tryLead(): Promise<boolean>;
  release(): Promise<void>;
}

export function advisoryLeadership(pool: Pool, lockKey: number): Leadership {
  let holder: { client: PoolClient; drop: (broken: boolean) => void } | undefined;

  /** Gives the client back to the pool once, whichever of an error event or a failed query comes first. */
  const dropper = (client: PoolClient) => {
    let dropped = false;
    const drop = (broken: boolean) => {
      if (dropped) return;
      dropped = true;
      if (holder?.client === client) holder = undefined;
      // The pool keeps the client: a listener left on it would pile up, one per attempt.
      client.off('error', onError);
      client.release(broken);
    };
    const onError = () => drop(true);
    client.on('error', onError);
    return drop;
  };

  return {
    async tryLead() {
      if (holder) return true;
      const client = await pool.connect();
      const drop = dropper(client);
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [lockKey]);
        if (rows[0]?.locked) {
          holder = { client, drop };
          return true;
        }
        drop(false);
        return false;
      } catch (err) {
        drop(true);
        throw err;
      }
    },
    async release() {
      const held = holder;
      if (!held) return;
      holder = undefined;
      // Ending the session frees the lock even if the unlock itself fails.
      await held.client.query('SELECT pg_advisory_unlock($1)', [lockKey]).catch(() => undefined);
      held.drop(true);
    },
  };
}
