// PostgreSQL refuses to run as root, so as root it runs as the `postgres` user, which must be able to reach
// its binaries and its data folder. A clone in a folder that user cannot enter (a home folder of mode 0700)
// gets both moved for it: the binaries copied, and the data kept under one root-owned folder with a link
// left where it was asked for.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface PostgresUser {
  uid: number;
  gid: number;
}

const reachableRoot = '/var/tmp/shop-embedded-postgres';

/** The `postgres` user, created if the machine has none. */
export function postgresUser(): PostgresUser {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { stdio: 'ignore' });
      return ids();
    } catch {
      throw new Error(
        'PostgreSQL does not run as root and there is no `postgres` user to run it as: create one (useradd --system postgres)',
      );
    }
  }
}

/** Whether `user` can get to `file` (every folder above it lets the user through), or into it if it is a folder. */
function canReach(user: PostgresUser, file: string): boolean {
  return spawnSync('test', ['-x', file], { uid: user.uid, gid: user.gid, stdio: 'ignore' }).status === 0;
}

/** The binaries folder where it is when `user` can reach it, else a copy of it under reachableRoot. */
export function reachableBinaries(user: PostgresUser, nativeDir: string, version: string): string {
  if (canReach(user, path.join(nativeDir, 'bin', 'postgres'))) return nativeDir;
  const copy = path.join(ownedRoot(), `bin-${version}`);
  if (fs.existsSync(path.join(copy, '.complete'))) return copy;
  // Copied aside and renamed: a second run starting at the same time finds either no copy or a whole one,
  // and whichever renames second keeps the first one's.
  const aside = `${copy}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.cpSync(nativeDir, aside, { recursive: true, verbatimSymlinks: true });
  openToAll(aside);
  fs.writeFileSync(path.join(aside, '.complete'), '');
  try {
    fs.renameSync(aside, copy);
  } catch {
    fs.rmSync(aside, { recursive: true, force: true });
  }
  return copy;
}

export interface ReachableDataDir {
  /** The folder PostgreSQL gets, owned by `user`. */
  dataDir: string;
  /** Set when the data lives under reachableRoot: removes it and the link to it. */
  removeRelocated?: () => void;
}

/** The data folder where it was asked for when `user` can reach it, else under reachableRoot, linked from there. */
export function reachableDataDir(user: PostgresUser, wanted: string, log: (line: string) => void): ReachableDataDir {
  const asked = path.resolve(wanted);
  // A link left by an earlier start leads to where the data is.
  const real = fs.existsSync(asked) ? fs.realpathSync(asked) : asked;
  fs.mkdirSync(path.dirname(real), { recursive: true });
  if (canReach(user, path.dirname(real))) {
    ownDataDir(user, real);
    return { dataDir: real };
  }
  const home = path.join(ownedRoot(), `data-${createHash('sha256').update(asked).digest('hex').slice(0, 16)}`);
  const dataDir = path.join(home, 'pgdata');
  removeAbandoned(home);
  if (fs.existsSync(asked)) {
    if (fs.readdirSync(asked).length > 0)
      throw new Error(`the postgres user cannot reach ${asked}, which is not empty: remove it or choose a folder it can reach`);
    fs.rmdirSync(asked);
  }
  fs.mkdirSync(home, { recursive: true, mode: 0o755 });
  fs.writeFileSync(path.join(home, 'origin'), asked);
  ownDataDir(user, dataDir);
  fs.symlinkSync(dataDir, asked);
  log(`the postgres user cannot reach ${path.dirname(asked)}: PostgreSQL keeps this data in ${dataDir} (linked from ${asked})`);
  return {
    dataDir,
    removeRelocated: () => {
      fs.rmSync(home, { recursive: true, force: true });
      fs.rmSync(asked, { force: true });
    },
  };
}

/** Where whatever the `postgres` user must reach is kept: made if missing; refused if anyone but root could write to it. */
export function ownedRoot(): string {
  fs.mkdirSync(reachableRoot, { recursive: true, mode: 0o755 });
  const stat = fs.lstatSync(reachableRoot);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0)
    throw new Error(`${reachableRoot} must be a folder of root's that only root may write to: remove it and start again`);
  fs.chmodSync(reachableRoot, 0o755);
  return reachableRoot;
}

function ownDataDir(user: PostgresUser, dataDir: string): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chownSync(dataDir, user.uid, user.gid);
  fs.chmodSync(dataDir, 0o700);
}

/** Relocated data folders whose link is gone and whose server is not running go (not one being set up right now). */
function removeAbandoned(keep: string): void {
  for (const entry of fs.readdirSync(reachableRoot)) {
    const home = path.join(reachableRoot, entry);
    if (!entry.startsWith('data-') || home === keep || Date.now() - fs.statSync(home).mtimeMs < 10 * 60_000) continue;
    const origin = readOrUndefined(path.join(home, 'origin'));
    const linked = origin !== undefined && fs.existsSync(origin) && fs.realpathSync(origin) === path.join(home, 'pgdata');
    const running = fs.existsSync(path.join(home, 'pgdata', 'postmaster.pid'));
    if (!linked && !running) fs.rmSync(home, { recursive: true, force: true });
  }
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** Folders 0755, files readable by all, executables executable by all: whatever the umask was. */
function openToAll(dir: string): void {
  fs.chmodSync(dir, 0o755);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) openToAll(file);
    else fs.chmodSync(file, (fs.statSync(file).mode & 0o111) !== 0 ? 0o755 : 0o644);
  }
}
