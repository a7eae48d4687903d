// For the real-Prometheus test: the four services as child processes (their bundles, `services/<name>/dist/main.js`,
// as in production) on free ports with fresh databases, and Debian's prometheus scraping them.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort } from '@shop/testkit/src/freePort';
import { serviceNodeArgs, type ServiceName } from '../../scripts/dev/serviceBundle';
import { trustEnv } from '../../scripts/dev/trustFiles';
import { requireBinary } from './promtool';
import { root } from './deploymentFiles';

export interface RunningProcess {
  name: string;
  /** The last lines it printed, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface RunningService extends RunningProcess {
  grpcPort: number;
  adminPort: number;
}

function startProcess(name: string, command: string, args: string[], env: NodeJS.ProcessEnv): RunningProcess & { child: ChildProcess } {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-6_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    name,
    child,
    output: () => tail,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(force);
    },
  };
}

async function waitUntilAnswers(what: RunningProcess & { child: ChildProcess }, url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < until) {
    if (what.child.exitCode !== null)
      throw new Error(`${what.name} exited (${what.child.exitCode}) before it was ready:\n${what.output()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      if (res.ok) return;
      last = `${res.status} ${(await res.text()).trim()}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what.name} not ready at ${url} after ${timeoutMs} ms (${last}):\n${what.output()}`);
}

export async function startService(name: ServiceName, env: Record<string, string>): Promise<RunningService> {
  const [grpcPort, adminPort] = [await freePort(), await freePort()];
  const certs = path.join(root, 'certs');
  const process_ = startProcess(name, process.execPath, serviceNodeArgs(root, name), {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GRPC_HOST: '127.0.0.1',
    GRPC_PORT: String(grpcPort),
    ADMIN_PORT: String(adminPort),
    ...trustEnv(certs),
    SHUTDOWN_GRACE: '1s',
    LOG_LEVEL: 'warn',
    // As in compose: metrics go to Prometheus and logs to stdout, never to an OTLP collector.
    OTEL_METRICS_EXPORTER: 'none',
    OTEL_LOGS_EXPORTER: 'none',
    ...env,
  });
  await waitUntilAnswers(process_, `http://127.0.0.1:${adminPort}/readyz`, 60_000);
  return { name, grpcPort, adminPort, output: process_.output, stop: process_.stop };
}

export interface RunningPrometheus extends RunningProcess {
  url: string;
}

/** Prometheus scraping `targets` (job → admin port) every second, evaluating deployments/prometheus/alerts.yml. */
export async function startPrometheus(dir: string, targets: Record<string, number>): Promise<RunningPrometheus> {
  const binary = requireBinary('prometheus');
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', scrape_timeout: '900ms', evaluation_interval: '1s' },
    rule_files: [path.join(root, 'deployments/prometheus/alerts.yml')],
    scrape_configs: Object.entries(targets).map(([job, adminPort]) => ({
      job_name: job,
      static_configs: [{ targets: [`127.0.0.1:${adminPort}`] }],
    })),
  };
  const configFile = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(configFile, JSON.stringify(config, null, 2)); // JSON is YAML
  const prometheus = startProcess(
    'prometheus',
    binary,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { PATH: process.env.PATH },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitUntilAnswers(prometheus, `${url}/-/ready`, 30_000);
  return { name: 'prometheus', url, output: prometheus.output, stop: prometheus.stop };
}

export interface QueryAnswer {
  status: 'success' | 'error';
  error?: string;
  data?: { resultType: string; result: unknown[] };
}

export async function instantQuery(prometheusUrl: string, expr: string): Promise<QueryAnswer> {
  const res = await fetch(`${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr })}`, { signal: AbortSignal.timeout(10_000) });
  return (await res.json()) as QueryAnswer;
}
