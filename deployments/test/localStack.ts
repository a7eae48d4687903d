// For the real-Prometheus test: the four services as child processes (their bundles, `services/<name>/dist/main.js`,
// as in production) on free ports with fresh databases, and Debian's prometheus scraping them.
import fs from 'node:fs';
import path from 'node:path';
import {
  freePort,
  startChildProcess,
  waitForChildReady,
  type ChildProcessHandle,
  type RunningBundle,
  type ServiceName,
} from '@shop/devstack';
import { spawnService } from '@shop/testkit';
import { requireBinary } from './promtool';
import { root } from './deploymentFiles';

export function startService(name: ServiceName, env: Record<string, string>): Promise<RunningBundle> {
  return spawnService({
    name,
    // As in compose: metrics go to Prometheus and logs to stdout, never to an OTLP collector.
    env: { OTEL_METRICS_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', ...env },
    readyTimeoutMs: 60_000,
  });
}

export interface RunningPrometheus extends ChildProcessHandle {
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
  const prometheus = startChildProcess({
    name: 'prometheus',
    command: binary,
    args: [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    cwd: root,
    env: { PATH: process.env.PATH },
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForChildReady(prometheus, `${url}/-/ready`, 30_000);
  return { ...prometheus, url };
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
