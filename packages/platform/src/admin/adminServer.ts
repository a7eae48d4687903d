// The admin HTTP port: /metrics for Prometheus, /healthz (alive) and /readyz (dependencies answer, and not
// shutting down).
import http from 'node:http';
import type { Registry } from 'prom-client';
import { withTimeout } from '../time/withTimeout';

export type ReadinessCheck = () => Promise<void>;

export interface AdminServerHandle {
  port: number;
  /** From now on /readyz answers 503 `draining`: the first step of the stop sequence, before calls are refused. */
  drain(): void;
  close(): Promise<void>;
}

export async function startAdminServer(options: {
  host: string;
  port: number;
  registry: Registry;
  readiness: Record<string, ReadinessCheck>;
}): Promise<AdminServerHandle> {
  let draining = false;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/healthz') return reply(res, 200, 'ok\n');
    if (path === '/readyz' && draining) return reply(res, 503, 'draining: shutting down\n');
    if (path === '/readyz') {
      void checkReadiness(options.readiness).then((failures) =>
        failures.length === 0 ? reply(res, 200, 'ready\n') : reply(res, 503, failures.join('\n') + '\n'),
      );
      return;
    }
    if (path === '/metrics') {
      void options.registry.metrics().then(
        (body) => reply(res, 200, body, options.registry.contentType),
        (err: Error) => reply(res, 500, err.message),
      );
      return;
    }
    reply(res, 404, 'not found\n');
  });
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const address = server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    drain: () => {
      draining = true;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function checkReadiness(checks: Record<string, ReadinessCheck>): Promise<string[]> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), 2_000, 'the check');
        return undefined;
      } catch (err) {
        return `${name}: ${(err as Error).message}`;
      }
    }),
  );
  return results.filter((r): r is string => r !== undefined);
}

function reply(res: http.ServerResponse, status: number, body: string, contentType = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': contentType });
  res.end(body);
}
