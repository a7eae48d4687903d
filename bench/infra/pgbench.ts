// Runs pgbench with a custom script and reads its per-transaction log, so that its throughput and
// latency percentiles are measured like the load generator's: a warm-up dropped, then a fixed window.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { newLatencyHistogram, summarise, type LoadResult } from '../loadgen/runLoad';

export type PgbenchMode = 'prepared' | 'extended';

export interface PgbenchRun {
  label: string;
  script: string;
  database: string;
  clients: number;
  mode: PgbenchMode;
  warmupMs: number;
  durationMs: number;
  env: NodeJS.ProcessEnv;
  say: (line: string) => void;
}

/** pgbench ships in Debian's postgresql-client package; say how to get it when it is missing. */
export function assertPgbench(): void {
  const found = spawnSync('pgbench', ['--version'], { encoding: 'utf8' });
  if (found.error || found.status !== 0) {
    throw new Error('pgbench is missing: install it with `apt-get install -y postgresql-client` (Debian/Ubuntu; any version >= 13 works)');
  }
}

export async function runPgbench(run: PgbenchRun): Promise<LoadResult> {
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pgbench-'));
  const seconds = Math.ceil((run.warmupMs + run.durationMs) / 1000);
  const args = [
    '-n',
    `--protocol=${run.mode}`,
    `--client=${run.clients}`,
    `--jobs=${Math.min(run.clients, os.cpus().length)}`,
    `--time=${seconds}`,
    `--file=${run.script}`,
    '--log',
    `--log-prefix=${path.join(logDir, 'tx')}`,
    run.database,
  ];
  run.say(`${run.label}: pgbench ${args.slice(0, 5).join(' ')} -f ${path.basename(run.script)} (${seconds}s)`);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('pgbench', args, { env: run.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (c: Buffer) => (text += c.toString()));
    child.stderr.on('data', (c: Buffer) => (text += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(text) : reject(new Error(`pgbench exited with ${String(code)}:\n${text.slice(-2000)}`)),
    );
  });
  try {
    return fromTransactionLog(run, logDir, output);
  } finally {
    fs.rmSync(logDir, { recursive: true, force: true });
  }
}

/** Log lines: `client_id transaction_no latency_us script_no epoch_s epoch_us`; failed ones are marked `failed`. */
function fromTransactionLog(run: PgbenchRun, logDir: string, output: string): LoadResult {
  const done: { endUs: number; latencyUs: number }[] = [];
  let failed = 0;
  for (const file of fs.readdirSync(logDir)) {
    for (const line of fs.readFileSync(path.join(logDir, file), 'utf8').split('\n')) {
      const f = line.split(' ');
      if (f.length < 6) continue;
      if (f[2] === 'failed' || f[2] === 'skipped') {
        failed++;
        continue;
      }
      done.push({ latencyUs: Number(f[2]), endUs: Number(f[4]) * 1e6 + Number(f[5]) });
    }
  }
  if (done.length === 0) throw new Error(`${run.label}: pgbench logged no transactions:\n${output.slice(-2000)}`);
  const first = done.reduce((min, d) => Math.min(min, d.endUs - d.latencyUs), Infinity);
  const from = first + run.warmupMs * 1000;
  const to = done.reduce((max, d) => Math.max(max, d.endUs), 0);
  const histogram = newLatencyHistogram();
  let ok = 0;
  for (const d of done) {
    if (d.endUs - d.latencyUs < from) continue;
    ok++;
    histogram.recordValue(Math.max(1, Math.round(d.latencyUs)));
  }
  const seconds = (to - from) / 1e6;
  const result: LoadResult = {
    label: run.label,
    concurrency: run.clients,
    ok,
    errors: failed,
    seconds: Math.round(seconds * 1000) / 1000,
    throughput: Math.round((ok / seconds) * 10) / 10,
    stoppedByMaxCalls: false,
    windowStartMs: Math.round(from / 1000),
    windowEndMs: Math.round(to / 1000),
    ...summarise(histogram),
  };
  run.say(
    `${run.label}: ${result.throughput.toFixed(0)} tps, p50 ${result.p50Ms} p90 ${result.p90Ms} p99 ${result.p99Ms} max ${result.maxMs} ms`,
  );
  return result;
}
