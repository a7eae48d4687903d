// One service of the local stack as a child process: logs prefixed, restarted when it crashes.
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { serviceNodeArgs, type ServiceName } from './serviceBundle';

export interface ServiceProcess {
  name: string;
  stop(): Promise<void>;
  forceKill(): void;
}

const colours = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];

export function startServiceProcess(options: {
  name: ServiceName;
  index: number;
  root: string;
  env: NodeJS.ProcessEnv;
  print: (line: string) => void;
}): ServiceProcess {
  const prefix = `${colours[options.index % colours.length]}${options.name.padEnd(13)}\x1b[0m| `;
  let child: ChildProcess | undefined;
  let stopping = false;
  const recentCrashes: number[] = [];

  const nodeArgs = serviceNodeArgs(options.root, options.name);
  const launch = () => {
    child = spawn(process.execPath, nodeArgs, {
      cwd: options.root,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) readline.createInterface({ input: stream }).on('line', (line) => options.print(prefix + line));
    }
    child.on('exit', (code, signal) => {
      if (stopping) return;
      const now = Date.now();
      recentCrashes.push(now);
      while (recentCrashes.length > 0 && (recentCrashes[0] ?? now) < now - 60_000) recentCrashes.shift();
      if (recentCrashes.length > 5) {
        options.print(`${prefix}exited (${signal ?? code}) more than 5 times in a minute; not restarting`);
        return;
      }
      options.print(`${prefix}exited (${signal ?? code}); restarting in 1 s`);
      setTimeout(() => !stopping && launch(), 1_000);
    });
  };
  launch();

  return {
    name: options.name,
    forceKill: () => {
      stopping = true;
      child?.kill('SIGKILL');
    },
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        const running = child;
        if (!running || running.exitCode !== null || running.signalCode !== null) return resolve();
        const force = setTimeout(() => running.kill('SIGKILL'), 15_000);
        running.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        running.kill('SIGTERM');
      }),
  };
}
