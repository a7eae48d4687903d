// Where each service's bundle lives (made by buildServices.ts) and the node arguments that start it.
import fs from 'node:fs';
import path from 'node:path';

export const serviceNames = ['loms', 'checkout', 'notifications', 'products'] as const;
export type ServiceName = (typeof serviceNames)[number];

export function serviceBundleDir(root: string, name: ServiceName): string {
  return path.join(root, 'services', name, 'dist');
}

/** `node` arguments for the bundled service; `nodeFlags` (e.g. `--cpu-prof`) go before the entry file. */
export function serviceNodeArgs(root: string, name: ServiceName, nodeFlags: readonly string[] = []): string[] {
  const entry = path.join(serviceBundleDir(root, name), 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${path.relative(root, entry)} is missing: run \`make build\``);
  return ['--enable-source-maps', ...nodeFlags, entry];
}
