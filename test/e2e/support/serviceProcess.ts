// A service of the repo as a real child process (its bundle, `node services/<name>/dist/main.js`), configured by env.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { freePort } from '@shop/testkit/src/freePort';
import { repoRoot } from '@shop/testkit/src/repoRoot';
import { serviceNodeArgs, type ServiceName } from '../../../scripts/dev/serviceBundle';
import { waitForReady } from '../../../scripts/dev/waitForReady';
import { childEnv, tlsServerEnv } from './stackEnv';

export interface ServiceChild {
  name: string;
  pid: number;
  grpcPort: number;
  adminPort: number;
  /** The last lines the process printed, for failure messages. */
  output(): string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<string>;
  kill(signal: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone. Safe to call more than once. */
  stop(graceMs?: number): Promise<void>;
}

export async function spawnService(options: {
  name: ServiceName;
  env: Record<string, string>;
  grpcPort?: number;
  adminPort?: number;
  readyTimeoutMs?: number;
  /** Sees every line the process prints (stdout and stderr). */
  onLine?: (line: string) => void;
}): Promise<ServiceChild> {
  const root = repoRoot();
  const grpcPort = options.grpcPort ?? (await freePort());
  const adminPort = options.adminPort ?? (await freePort());
  const child: ChildProcess = spawn(process.execPath, serviceNodeArgs(root, options.name), {
    cwd: root,
    env: childEnv({
      ...tlsServerEnv(),
      GRPC_HOST: '127.0.0.1',
      GRPC_PORT: String(grpcPort),
      ADMIN_PORT: String(adminPort),
      SHUTDOWN_GRACE: '1s',
      ...options.env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (stream)
      readline.createInterface({ input: stream }).on('line', (line) => {
        options.onLine?.(line);
        if (tail.push(line) > 200) tail.shift();
      });
  }
  const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? String(code))));
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  const service: ServiceChild = {
    name: options.name,
    pid: child.pid ?? 0,
    grpcPort,
    adminPort,
    output: () => tail.join('\n'),
    exited,
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
  try {
    await Promise.race([
      waitForReady(options.name, adminPort, options.readyTimeoutMs ?? 30_000),
      exited.then((how) => Promise.reject(new Error(`${options.name} exited (${how}) before it was ready`))),
    ]);
  } catch (err) {
    await service.stop(1_000);
    throw new Error(`${(err as Error).message}\n--- ${options.name} output ---\n${service.output()}`);
  }
  return service;
}
