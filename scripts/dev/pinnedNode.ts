// The Node.js the project runs on: .node-version (make fetches it into .tools/, the image's FROM has its major).
import fs from 'node:fs';
import path from 'node:path';

export function pinnedNodeVersion(root: string): string {
  return fs.readFileSync(path.join(root, '.node-version'), 'utf8').trim();
}

export function pinnedNodeMajor(root: string): number {
  return Number(pinnedNodeVersion(root).split('.')[0]);
}
