// Where each service's bundle lives (made by buildServices.ts) and the node arguments that start it.
import fs from 'node:fs';
import path from 'node:path';

export const serviceNames = ['loms', 'checkout', 'notifications', 'products'] as const;
export type ServiceName = (typeof serviceNames)[number];

export function serviceBundleDir(root: string, name: ServiceName): string {
  return path.join(root, 'services', name, 'dist');
}

/**
 * V8 sizes its heap for the machine (gigabytes) and, with room to spare, collects old garbage lazily: under
 * load a service grew to about 300 MB resident, most of it garbage. Their live heaps are 50-60 MB; 128 MB of
 * old space keeps each under 200 MB with no loss of throughput (docs/benchmarks.md), where 64 MB thrashes.
 * Node 24 under that cap keeps its young generation small and scavenges far more often: LOMS made 674
 * orders/s at 16 in flight against 970 uncapped; 16 MB of semi-space gives 965 at 181 MB resident. 8 MB
 * keeps the throughput and takes 10-25 MB off each service's peak; 4 MB saves about 5 MB more and begins
 * to cost LOMS at 64 in flight. The Dockerfile and compose file pass the same flags.
 */
export const serviceNodeFlags = ['--enable-source-maps', '--max-old-space-size=128', '--max-semi-space-size=8'] as const;

/** `node` arguments for the bundled service; `nodeFlags` (e.g. `--cpu-prof`) go before the entry file. */
export function serviceNodeArgs(root: string, name: ServiceName, nodeFlags: readonly string[] = []): string[] {
  const entry = path.join(serviceBundleDir(root, name), 'main.js');
  if (!fs.existsSync(entry)) throw new Error(`${path.relative(root, entry)} is missing: run \`make build\``);
  return [...serviceNodeFlags, ...nodeFlags, entry];
}
