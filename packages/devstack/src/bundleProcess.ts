// A service's bundle as a child process, `node <serviceNodeFlags> services/<name>/dist/main.js`, as production runs
// it: the one way scripts, the bench and the tests start a service outside their own process.
import { startChildProcess, waitForChildReady, type ChildProcessHandle } from './childProcess';
import { freePort } from './freePort';
import { repoRoot } from './repoRoot';
import { serviceNodeArgs, type ServiceName } from './serviceBundle';

export interface BundleStart {
  name: ServiceName;
  /** The whole environment the service gets. */
  env: NodeJS.ProcessEnv;
  /** The repository whose bundle runs (default: this one); also the working folder. */
  root?: string;
  /** Node flags before the entry file, e.g. `--cpu-prof`. */
  nodeFlags?: readonly string[];
  /** Sees every line the service prints. */
  onLine?: (line: string) => void;
}

export function spawnBundle(options: BundleStart): ChildProcessHandle {
  const root = options.root ?? repoRoot();
  return startChildProcess({
    name: options.name,
    command: process.execPath,
    args: serviceNodeArgs(root, options.name, options.nodeFlags),
    cwd: root,
    env: options.env,
    onLine: options.onLine,
  });
}

export interface RunningBundle extends ChildProcessHandle {
  grpcPort: number;
  adminPort: number;
}

export interface ListeningBundleStart extends BundleStart {
  /** Free ones unless given. */
  grpcPort?: number;
  adminPort?: number;
  readyTimeoutMs?: number;
}

/** Spawns the bundle on its gRPC and admin ports (GRPC_PORT and ADMIN_PORT over `env`) and resolves once its /readyz answers. */
export async function startBundle(options: ListeningBundleStart): Promise<RunningBundle> {
  // A port found free can be taken by another process before the child binds it: ports we chose are chosen
  // again (a few times); ports the caller gave are the caller's to keep free.
  const choosing = options.grpcPort === undefined || options.adminPort === undefined;
  for (let attempt = 1; ; attempt++) {
    const grpcPort = options.grpcPort ?? (await freePort());
    const adminPort = options.adminPort ?? (await freePort());
    const child = spawnBundle({ ...options, env: { ...options.env, GRPC_PORT: String(grpcPort), ADMIN_PORT: String(adminPort) } });
    try {
      await waitForChildReady(child, `http://127.0.0.1:${adminPort}/readyz`, options.readyTimeoutMs ?? 30_000);
      return { ...child, grpcPort, adminPort };
    } catch (err) {
      if (!choosing || attempt >= 3 || !(err as Error).message.includes('EADDRINUSE')) throw err;
    }
  }
}
