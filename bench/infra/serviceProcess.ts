// One service under test as its own child process (its bundle, `node services/<name>/dist/main.js`),
// so that its memory and CPU can be read from /proc; ready when its /readyz answers.
import path from 'node:path';
import { startBundle, trustEnv, type ServiceName } from '@shop/devstack';

export type { ServiceName };

export interface RunningService {
  name: ServiceName;
  /** What its CPU and memory are reported as: the name, or e.g. `loms-2` for one of several replicas. */
  label: string;
  pid: number;
  grpcAddress: string;
  grpcPort: number;
  adminPort: number;
  /** Why the process is gone (exit code and its last output lines), or undefined while it runs. */
  failure(): string | undefined;
  stop(): Promise<void>;
}

export interface ServiceStart {
  name: ServiceName;
  /** Defaults to the name. */
  label?: string;
  root: string;
  env: NodeJS.ProcessEnv;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeFlags?: string[];
  say: (line: string) => void;
}

export async function startService(options: ServiceStart): Promise<RunningService> {
  const label = options.label ?? options.name;
  let printed = 0;
  const service = await startBundle({
    name: options.name,
    root: options.root,
    env: {
      ...process.env,
      GRPC_HOST: '127.0.0.1',
      ...trustEnv(path.join(options.root, 'certs')),
      LOG_LEVEL: 'warn',
      SHUTDOWN_GRACE: '2s',
      ...options.env,
    },
    nodeFlags: options.nodeFlags,
    // Services log at warn during load; show the first few so a misbehaving run is visible.
    onLine: (line) => ++printed <= 5 && options.say(`  [${label}] ${line.slice(0, 300)}`),
    readyTimeoutMs: 90_000,
  });
  let exit: string | undefined;
  void service.exited.then((how) => (exit = how));
  let stopping = false;
  return {
    name: options.name,
    label,
    pid: service.pid,
    grpcAddress: `localhost:${service.grpcPort}`,
    grpcPort: service.grpcPort,
    adminPort: service.adminPort,
    failure: () =>
      !stopping && service.gone()
        ? `${label} exited (${exit ?? 'gone'}); its last output:\n${service.output().split('\n').slice(-30).join('\n')}`
        : undefined,
    stop: () => {
      stopping = true;
      return service.stop(20_000);
    },
  };
}
