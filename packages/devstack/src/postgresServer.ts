// One running postmaster over a data folder: started in the foreground, ready once it says so, stopped fast, or
// crashed with SIGKILL as if its host went down.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { PostgresUser } from './postgresAsRoot';

export interface PostgresServer {
  stop(): Promise<void>;
  crash(): Promise<void>;
}

/** Messages in English whatever the machine's locale, so the start-up line can be recognised. */
export const messagesEnv = () => ({ ...process.env, LC_MESSAGES: 'C' });

/** A primary says "ready to accept connections", a hot standby "ready to accept read-only connections". */
const readyLine = /database system is ready to accept (read-only )?connections/;

export async function startServer(
  binDir: string,
  dataDir: string,
  port: number,
  runAs: PostgresUser | undefined,
  log: (line: string) => void,
  flags: string[],
): Promise<PostgresServer> {
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
      if (readyLine.test(text)) resolve();
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
    throw new Error(`PostgreSQL did not start in ${dataDir} on port ${port}: ${(err as Error).message}`);
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  return {
    stop: async () => {
      process.off('exit', stopOnExit);
      // SIGINT is a fast shutdown; a terminal's Ctrl-C may have sent it already.
      if (running()) child.kill('SIGINT');
      await exited;
    },
    crash: async () => {
      process.off('exit', stopOnExit);
      if (!running() || child.pid === undefined) return;
      // Stopped first, the postmaster forks no backend between the listing of its children and their end.
      child.kill('SIGSTOP');
      for (const pid of childrenOf(child.pid)) killQuietly(pid);
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The processes whose parent is `pid`, from /proc (Linux). */
function childrenOf(pid: number): number[] {
  return fs.readdirSync('/proc').flatMap((entry) => {
    if (!/^\d+$/.test(entry)) return [];
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command may hold spaces and parentheses: the fields after it start after the last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return parent === pid ? [Number(entry)] : [];
    } catch {
      return [];
    }
  });
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}

export function lastLine(text: string): string {
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.filter((l) => /FATAL|ERROR|error/.test(l)).at(-1) ?? lines.at(-1) ?? 'no output';
}
