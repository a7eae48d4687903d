// A child process of the local stack (a service's bundle, Prometheus): every line it prints seen and the last ones
// kept for failure messages, its end awaited, stopped with SIGTERM and, after a grace, SIGKILL.
import { spawn } from 'node:child_process';
import readline from 'node:readline';
import { waitUntilAnswers } from './waitForReady';

export interface ChildProcessHandle {
  name: string;
  pid: number;
  /** The last lines it printed (stdout and stderr), for failure messages. */
  output(): string;
  /** Resolves with the exit code, or the signal that ended it, once it is gone. */
  exited: Promise<string>;
  gone(): boolean;
  /** Sends `signal` unless it is gone. */
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. Safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

export interface ChildProcessStart {
  name: string;
  command: string;
  args: readonly string[];
  cwd: string;
  /** The whole environment it gets. */
  env: NodeJS.ProcessEnv;
  /** Sees every line it prints, stdout and stderr. */
  onLine?: (line: string) => void;
}

const keptLines = 200;

export function startChildProcess(options: ChildProcessStart): ChildProcessHandle {
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    readline.createInterface({ input: stream }).on('line', (line) => {
      options.onLine?.(line);
      if (tail.push(line) > keptLines) tail.shift();
    });
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    name: options.name,
    pid: child.pid ?? 0,
    output: () => tail.join('\n'),
    exited,
    gone,
    kill: (signal) => {
      if (!gone()) child.kill(signal);
    },
    stop: async (graceMs = 5_000) => {
      if (gone()) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(force);
    },
  };
}

/** Resolves once `url` answers 200; if the process exits first or `timeoutMs` passes, stops it and throws with its last output. */
export async function waitForChildReady(child: ChildProcessHandle, url: string, timeoutMs: number): Promise<void> {
  try {
    await Promise.race([
      waitUntilAnswers(child.name, url, timeoutMs),
      child.exited.then((how) => Promise.reject(new Error(`${child.name} exited (${how}) before it was ready`))),
    ]);
  } catch (err) {
    await child.stop(1_000);
    throw new Error(`${(err as Error).message}\n--- ${child.name} output ---\n${child.output()}`);
  }
}
