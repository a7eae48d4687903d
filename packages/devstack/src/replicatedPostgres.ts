// A primary and one synchronous streaming standby, both durable, from Debian's PostgreSQL server (the embedded
// package has no pg_basebackup): a commit returns once the standby has flushed it, so a standby promoted after
// the primary died holds every transaction a client was told had committed.
import path from 'node:path';
import { Client } from 'pg';
import { debianPostgresBinDir } from './postgresBinaries';
import { startPostgresCluster, type PostgresCluster } from './postgresCluster';

export interface ReplicatedPostgres {
  primary: PostgresCluster;
  standby: PostgresCluster;
  /** Ends the standby's recovery; resolves once it takes writes. */
  promoteStandby(): Promise<void>;
  /** Stops whichever of the two still runs and removes both data folders. */
  stop(): Promise<void>;
}

const standbyName = 'standby';
const waitMs = 30_000;

export async function startReplicatedPostgres(options: { dataRoot: string; onLog?: (line: string) => void }): Promise<ReplicatedPostgres> {
  const binDir = debianPostgresBinDir(['initdb', 'postgres', 'pg_basebackup']);
  const primary = await startPostgresCluster({
    dataDir: path.join(options.dataRoot, 'primary'),
    persistent: false,
    durable: true,
    binDir,
    onLog: options.onLog,
    settings: {
      wal_level: 'replica',
      max_wal_senders: '4',
      max_replication_slots: '4',
      synchronous_commit: 'on',
      synchronous_standby_names: standbyName,
    },
  });
  let standby: PostgresCluster | undefined;
  try {
    standby = await startPostgresCluster({
      dataDir: path.join(options.dataRoot, 'standby'),
      persistent: false,
      durable: true,
      binDir,
      onLog: options.onLog,
      standbyOf: { primary, name: standbyName },
    });
    await untilSynchronous(primary);
  } catch (err) {
    await standby?.stop();
    await primary.stop();
    throw err;
  }
  const promoted = standby;
  return {
    primary,
    standby: promoted,
    promoteStandby: async () => {
      const { rows } = await queryOnce<{ promoted: boolean }>(promoted, 'SELECT pg_promote(true, $1) AS promoted', [waitMs / 1000]);
      if (!rows[0]?.promoted) throw new Error(`the standby on port ${promoted.port} was not promoted within ${waitMs} ms`);
    },
    stop: async () => {
      await promoted.stop();
      await primary.stop();
    },
  };
}

/** Until the primary reports the standby streaming and synchronous: from then on every commit waits for it. */
async function untilSynchronous(primary: PostgresCluster): Promise<void> {
  const until = Date.now() + waitMs;
  let last = 'not connected';
  while (Date.now() < until) {
    const { rows } = await queryOnce<{ state: string; sync_state: string }>(
      primary,
      'SELECT state, sync_state FROM pg_stat_replication WHERE application_name = $1',
      [standbyName],
    );
    if (rows[0]?.state === 'streaming' && rows[0].sync_state === 'sync') return;
    last = rows[0] ? `${rows[0].state}, ${rows[0].sync_state}` : 'not connected';
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the standby did not become synchronous within ${waitMs} ms (${last})`);
}

async function queryOnce<R extends object>(cluster: PostgresCluster, text: string, values: unknown[]): Promise<{ rows: R[] }> {
  const client = new Client({ connectionString: cluster.url('postgres') });
  await client.connect();
  try {
    return await client.query<R>(text, values);
  } finally {
    await client.end();
  }
}
