// What the numbers were measured on: CPU, memory, kernel, Node, PostgreSQL and its durability settings.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { Client } from 'pg';
import type { BenchInfrastructure } from '../infra/benchInfrastructure';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGb: number;
  kernel: string;
  node: string;
  postgres: string;
  pgbench: string;
  durability: Record<string, string>;
  loadAverageAtStart: number[];
  date: string;
  /** The commit measured, and whether services or packages had uncommitted changes. */
  code: string;
}

function codeVersion(root: string): string {
  const git = (args: string[]) => spawnSync('git', args, { cwd: root, encoding: 'utf8' });
  const head = git(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'not a git checkout';
  const dirty = git(['status', '--porcelain', '--', 'services', 'packages', 'migrations']).stdout.trim();
  return `commit ${head.stdout.trim()}${dirty ? ` with uncommitted changes in ${dirty.split('\n').length} files of services/ and packages/` : ''}`;
}

export async function describeMachine(infra: BenchInfrastructure, root: string): Promise<Machine> {
  const client = new Client({ connectionString: infra.cluster.url('postgres') });
  await client.connect();
  const durability: Record<string, string> = {};
  let postgres = '';
  try {
    postgres = String((await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v ?? '');
    for (const setting of ['fsync', 'synchronous_commit', 'full_page_writes', 'wal_sync_method', 'shared_buffers', 'max_connections']) {
      durability[setting] = String((await client.query<Record<string, string>>(`SHOW ${setting}`)).rows[0]?.[setting] ?? '');
    }
  } finally {
    await client.end();
  }
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres,
    pgbench: spawnSync('pgbench', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    durability,
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
    code: codeVersion(root),
  };
}
