// Starts bench/infra/transportEcho.ts as its own process, with the services' node flags and trust files, and
// hands it to a load point as the service to sample.
import path from 'node:path';
import { serviceNodeFlags, startChildProcess, trustEnv } from '@shop/devstack';
import type { ServedProcess } from '../scenarios/scenarioKit';

export async function startTransportEcho(root: string): Promise<ServedProcess> {
  let announce: (port: number) => void = () => undefined;
  const listening = new Promise<number>((resolve) => (announce = resolve));
  const child = startChildProcess({
    name: 'transport echo',
    command: process.execPath,
    args: [...serviceNodeFlags, '--import', 'tsx', path.join(root, 'bench', 'infra', 'transportEcho.ts')],
    cwd: root,
    env: { ...process.env, ...trustEnv(path.join(root, 'certs')) },
    onLine: (line) => {
      const port = /^listening (\d+)$/.exec(line)?.[1];
      if (port) announce(Number(port));
    },
  });
  const port = await Promise.race([
    listening,
    child.exited.then((how) => Promise.reject(new Error(`the transport echo exited (${how}):\n${child.output()}`))),
  ]);
  return {
    label: 'transport echo',
    pid: child.pid,
    grpcAddress: `localhost:${port}`,
    failure: () => (child.gone() ? `the transport echo exited; its last output:\n${child.output()}` : undefined),
    stop: () => child.stop(),
  };
}
