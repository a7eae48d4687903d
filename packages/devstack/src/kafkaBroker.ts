import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

import { repoRoot } from './repoRoot';

/** A local Kafka-protocol broker (librdkafka mock cluster, see tools/kafka-mock). */
export interface KafkaBroker {
  /** Bootstrap addresses, e.g. `['127.0.0.1:41234']`. */
  brokers: string[];
  /** Takes every broker of the cluster down (connections are dropped and refused). */
  setDown(): Promise<void>;
  /** Brings every broker back up. */
  setUp(): Promise<void>;
  /** Stops the broker process; safe to call more than once. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const COMMAND_TIMEOUT_MS = 5_000;
const STOP_GRACE_MS = 2_000;

let builtBinary: string | undefined;

/** Builds build/kafka-mock once per process (build.sh itself skips up-to-date builds). */
function ensureBinary(): string {
  if (builtBinary !== undefined) return builtBinary;
  const root = repoRoot(['tools/kafka-mock']);
  const res = spawnSync('bash', [join(root, 'tools/kafka-mock/build.sh')], {
    cwd: root,
    encoding: 'utf8',
  });
  if (res.error) throw new Error(`kafka-mock build failed to run: ${res.error.message}`);
  if (res.status !== 0) {
    throw new Error(`kafka-mock build failed (exit ${String(res.status)}):\n${res.stderr}${res.stdout}`);
  }
  builtBinary = join(root, 'build/kafka-mock');
  return builtBinary;
}

/** Hands out stdout lines in order to whoever awaits next(). */
class LineQueue {
  private readonly lines: string[] = [];
  private readonly waiters: Array<{ resolve: (l: string) => void; reject: (e: Error) => void }> = [];
  private closedWith: Error | undefined;

  push(line: string): void {
    const w = this.waiters.shift();
    if (w) w.resolve(line);
    else this.lines.push(line);
  }

  close(err: Error): void {
    this.closedWith ??= err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }

  next(timeoutMs: number, what: string): Promise<string> {
    const line = this.lines.shift();
    if (line !== undefined) return Promise.resolve(line);
    if (this.closedWith) return Promise.reject(this.closedWith);
    return new Promise<string>((resolve, reject) => {
      const waiter = {
        resolve: (l: string): void => {
          clearTimeout(timer);
          resolve(l);
        },
        reject: (e: Error): void => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`kafka-mock: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }
}

/** Resolves once the process is gone and its stdio is drained (or it never started). */
function whenClosed(child: ChildProcessWithoutNullStreams): Promise<void> {
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    child.once('error', () => resolve());
  });
}

/** Builds (if needed) and starts a mock Kafka cluster; resolves once it accepts connections. */
export async function startKafkaBroker(options?: { brokers?: number }): Promise<KafkaBroker> {
  const binary = ensureBinary();
  const count = options?.brokers ?? 1;
  const child = spawn(binary, ['--brokers', String(count)], { stdio: ['pipe', 'pipe', 'pipe'] });

  let stderrTail = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-4000);
  });

  const closed = whenClosed(child);
  const lines = new LineQueue();
  createInterface({ input: child.stdout }).on('line', (l) => lines.push(l));
  child.on('error', (err) => lines.close(new Error(`kafka-mock failed to start: ${err.message}`)));
  child.on('exit', (code, signal) => lines.close(new Error(`kafka-mock exited (code ${String(code)}, signal ${String(signal)})`)));
  // Writes after exit surface as EPIPE here; the pending reply then fails via lines.close().
  child.stdin.on('error', () => undefined);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      child.stdin.end();
      const kill = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await closed;
      clearTimeout(kill);
    })();
    return stopped;
  };

  let brokers: string[];
  try {
    const first = await lines.next(START_TIMEOUT_MS, 'the BOOTSTRAP line');
    const m = /^BOOTSTRAP (\S+)$/.exec(first);
    if (!m?.[1]) throw new Error(`kafka-mock: unexpected first line ${JSON.stringify(first)}`);
    brokers = m[1].split(',');
  } catch (err) {
    await stop();
    const message = err instanceof Error ? err.message : String(err);
    throw new Error(stderrTail ? `${message}; its stderr:\n${stderrTail}` : message);
  }

  // Commands are serialised so each reply line belongs to the command that caused it.
  let queue: Promise<unknown> = Promise.resolve();
  const command = (cmd: 'down' | 'up'): Promise<void> => {
    const run = async (): Promise<void> => {
      if (stopped) throw new Error(`kafka-mock: '${cmd}' after stop()`);
      child.stdin.write(`${cmd}\n`);
      const reply = await lines.next(COMMAND_TIMEOUT_MS, `the reply to '${cmd}'`);
      if (reply !== `OK ${cmd}`) throw new Error(`kafka-mock: '${cmd}' failed: ${reply}`);
    };
    const result = queue.then(run);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    brokers,
    setDown: () => command('down'),
    setUp: () => command('up'),
    stop,
  };
}
