// One service of the local stack as its bundle: logs prefixed, restarted when it crashes.
import { spawnBundle, type ChildProcessHandle, type ServiceName } from '@shop/devstack';

export interface ServiceProcess {
  name: string;
  stop(): Promise<void>;
  forceKill(): void;
}

const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

export function startServiceProcess(options: {
  name: ServiceName;
  /** What its log lines are prefixed with (a replica's label, `loms-2`); the service's name unless given. */
  label?: string;
  index: number;
  root: string;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}): ServiceProcess {
  const prefix = `${colours[options.index % colours.length]}${(options.label ?? options.name).padEnd(16)}\x1b[0m| `;
  let child: ChildProcessHandle | undefined;
  let stopping = false;
  const recentCrashes: number[] = [];

  const launch = () => {
    child = spawnBundle({ name: options.name, root: options.root, env: options.env, onLine: (line) => options.print(prefix + line) });
    void child.exited.then((how) => {
      if (stopping) return;
      const now = Date.now();
      recentCrashes.push(now);
      while (recentCrashes.length > 0 && (recentCrashes[0] ?? now) < now - 60_000) recentCrashes.shift();
      if (recentCrashes.length > 5) {
        options.print(`${prefix}exited (${how}) more than 5 times in a minute; not restarting`);
        return;
      }
      options.print(`${prefix}exited (${how}); restarting in 1 s`);
      setTimeout(() => !stopping && launch(), 1_000);
    });
  };
  launch();

  return {
    name: options.label ?? options.name,
    forceKill: () => {
      stopping = true;
      child?.kill('SIGKILL');
    },
    stop: async () => {
      stopping = true;
      await child?.stop(15_000);
    },
  };
}
