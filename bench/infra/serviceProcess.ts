// One service under test as its own child process (its bundle, `node services/<name>/dist/main.js`),
// so that its memory and CPU can be read from /proc; ready when its /readyz answers.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { freePort } from '@shop/testkit/src/freePort';
import { serviceNodeArgs, type ServiceName } from '../../scripts/dev/serviceBundle';
import { trustEnv } from '../../scripts/dev/trustFiles';
import { waitForReady } from '../../scripts/dev/waitForReady';

export type { ServiceName };

export interface RunningService {
  name: ServiceName;
  pid: number;
  grpcAddress: string;
  adminPort: number;
  /** Why the process is gone (exit code and its last output lines), or undefined while it runs. */
  failure(): string | undefined;
  stop(): Promise<void>;
}

export interface ServiceStart {
  name: ServiceName;
  root: string;
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  say: (line: string) => void;
}

export async function startService(options: ServiceStart): Promise<RunningService> {
  const grpcPort = await freePort();
  const adminPort = await freePort();
  const certs = path.join(options.root, 'certs');
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    GRPC_HOST: '127.0.0.1',
    ...trustEnv(certs),
    LOG_LEVEL: 'warn',
    SHUTDOWN_GRACE: '2s',
    ...options.env,
    GRPC_PORT: String(grpcPort),
    ADMIN_PORT: String(adminPort),
  };
  const child: ChildProcess = spawn(process.execPath, serviceNodeArgs(options.root, options.name, options.nodeFlags), {
    cwd: options.root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let warnings = 0;
  const tail: string[] = [];
  let stopping = false;
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    readline.createInterface({ input: stream }).on('line', (line) => {
      tail.push(line.slice(0, 500));
      if (tail.length > 30) tail.shift();
      // Services log at warn during load; show the first few so a misbehaving run is visible.
      if (++warnings <= 5) options.say(`  [${options.name}] ${line.slice(0, 300)}`);
    });
  }
  const failure = () =>
    !stopping && (child.exitCode !== null || child.signalCode !== null)
      ? `${options.name} exited (${String(child.exitCode ?? child.signalCode)}); its last output:\n${tail.join('\n')}`
      : undefined;
  const stop = async () => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const force = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.kill('SIGTERM');
    await exited;
    clearTimeout(force);
  };
  try {
    await Promise.race([
      waitForReady(options.name, adminPort, 90_000),
      exited.then(() => Promise.reject(new Error(failure() ?? `${options.name} exited during start-up`))),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  if (child.pid === undefined) throw new Error(`${options.name} has no pid`);
  return { name: options.name, pid: child.pid, grpcAddress: `localhost:${grpcPort}`, adminPort, failure, stop };
}
