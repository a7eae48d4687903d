import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Walks up from this file's folder to the repository root: the first folder
 * that contains every one of `markers` (default: `Makefile` and `proto/`).
 */
export function repoRoot(markers: readonly string[] = ['Makefile', 'proto']): string {
  let dir = __dirname;
  for (;;) {
    if (markers.every((m) => existsSync(join(dir, m)))) return dir;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(`repoRoot: no folder containing ${markers.join(', ')} above ${__dirname}`);
    }
    dir = parent;
  }
}
