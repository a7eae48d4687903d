// The database's clock, the one every LOMS replica shares; within a transaction it stands still.
import type { Queryable } from '@shop/platform';
import type { DatabaseClock } from '../app/ports';

export function databaseClock(): DatabaseClock {
  return {
    async now(tx) {
      const { rows } = await (tx as Queryable).query<{ now: Date }>({ name: 'loms_database_now', text: 'SELECT now() AS now', values: [] });
      const now = rows[0]?.now;
      if (!now) throw new Error('the database did not tell its time');
      return now;
    },
  };
}
