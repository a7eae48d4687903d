// `node --import tsx scripts/run-services.ts` as a user starts it, in a process group of its own, with its output kept.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { freePort, repoRoot } from '@shop/devstack';
import { childEnv, eventually, sleep } from '@shop/testkit';
import { descendantsOf, groupMembers, isAlive, type ProcessId } from './processTree';

/** The ports a run-services of the test listens on: free ones, so no other stack or test collides. */
export interface RunServicesPorts {
  checkout: number;
  loms: number;
  notifications: number;
  products: number;
}

export interface RunServices {
  child: ChildProcess;
  readyAfterMs: number;
  grpcPorts: RunServicesPorts;
  output(): string;
  lines: string[];
  /** Every process below it now (services, broker, PostgreSQL and its backends). */
  tree(): ProcessId[];
  /** Sends `signal` to it alone or to its whole process group (what Ctrl-C in a terminal does); resolves with how it ended. */
  interrupt(to: 'process' | 'group', timeoutMs: number): Promise<{ code: number | null; signal: string | null }>;
  /** SIGKILL to its group and to every process ever seen below it, and waits until they are gone: cleanup after a failure. */
  kill(): Promise<void>;
}

export async function startRunServices(): Promise<RunServices> {
  const names = ['checkout', 'loms', 'notifications', 'products'] as const;
  const portEnv: Record<string, string> = {};
  const grpcPorts = {} as RunServicesPorts;
  for (const name of names) {
    grpcPorts[name] = await freePort();
    portEnv[`${name.toUpperCase()}_GRPC_PORT`] = String(grpcPorts[name]);
    portEnv[`${name.toUpperCase()}_ADMIN_PORT`] = String(await freePort());
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-services-e2e-'));
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/run-services.ts'], {
    cwd: repoRoot(),
    env: childEnv({
      ...portEnv,
      RUN_SERVICES_DATA_DIR: dataDir,
      EMBEDDED_PG_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: a terminal's Ctrl-C can be imitated, and cleanup reaches everything it started.
    detached: true,
  });
  const pid = child.pid ?? 0;
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr])
    readline.createInterface({ input: stream }).on('line', (l) => lines.push(l.replace(/\x1b\[[0-9;]*m/g, '')));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const seen = new Map<string, ProcessId>();
  const tree = () => {
    const now = descendantsOf(pid);
    for (const p of now) seen.set(`${p.pid}/${p.startTicks}`, p);
    return now;
  };
  const stack: RunServices = {
    child,
    readyAfterMs: 0,
    grpcPorts,
    lines,
    output: () => lines.slice(-80).join('\n'),
    tree,
    interrupt: async (to, timeoutMs) => {
      tree();
      process.kill(to === 'group' ? -pid : pid, 'SIGINT');
      return Promise.race([
        exit,
        sleep(timeoutMs).then(() => ({
          code: null,
          signal: `still running ${timeoutMs} ms after SIGINT`,
        })),
      ]);
    },
    kill: async () => {
      if (child.exitCode === null && child.signalCode === null) tree();
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // the group is gone
      }
      for (const p of seen.values()) if (isAlive(p)) process.kill(p.pid, 'SIGKILL');
      await eventually(
        'the stack to be gone',
        async () => [...seen.values()].filter(isAlive).length + groupMembers(pid).length,
        (n) => n === 0,
        10_000,
        100,
      ).catch(() => undefined);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await eventually(
      'the "all services ready" line',
      async () => ({
        ready: lines.some((l) => l.includes('all services ready')),
        exited: child.exitCode,
      }),
      (s) => s.ready || s.exited !== null,
      120_000,
      100,
    );
    if (child.exitCode !== null) throw new Error(`run-services exited with ${child.exitCode}`);
  } catch (err) {
    await stack.kill();
    throw new Error(`${(err as Error).message}\n--- run-services output ---\n${stack.output()}`);
  }
  stack.readyAfterMs = Date.now() - startedAt;
  tree();
  return stack;
}
