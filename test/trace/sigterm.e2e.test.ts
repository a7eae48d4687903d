// SIGTERM on a running service (its bundle): /readyz turns 503 at once while the call in progress finishes,
// and the spans of the last calls, still buffered in the exporter, leave the process before it exits.
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientCredentials } from '@shop/platform';
import { product } from '@shop/proto';
import { report } from '../e2e/support/measurements';
import { certsDir, type RunningBundle } from '@shop/devstack';
import { scrapeMetric, spawnService } from '@shop/testkit';
import { startOtlpReceiver } from './otlpReceiver';

const latencyMs = 1_500;
let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
let service: RunningBundle;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  service = await spawnService({
    name: 'products',
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      // No scheduled export within the test: spans leave only if shutdown flushes them.
      OTEL_BSP_SCHEDULE_DELAY: '600000',
      PRODUCTS_RATE_LIMIT_RPS: '0',
      PRODUCTS_LATENCY: `${latencyMs}ms`,
      SHUTDOWN_GRACE: '10s',
    },
  });
}, 60_000);

afterAll(async () => {
  await service?.stop();
  await receiver?.stop();
});

async function readyz(): Promise<number | string> {
  try {
    return (await fetch(`http://127.0.0.1:${service.adminPort}/readyz`, { signal: AbortSignal.timeout(1_000) })).status;
  } catch (err) {
    return (err as Error).message;
  }
}

/** GetProduct calls the service has started on (products_calls_total counts them as the handler begins). */
const callsCounted = (): Promise<number> => scrapeMetric(service.adminPort, 'products_calls_total{method="GetProduct"}', 1_000);

describe('a service on SIGTERM', () => {
  it('answers 503 on /readyz while its last call finishes, then exports that call’s spans and exits 0', async () => {
    const client = new product.ProductServiceClient(`localhost:${service.grpcPort}`, clientCredentials({ caFile: `${certsDir()}/ca.crt` }));
    const getProduct = (sku: number) =>
      new Promise<grpc.status>((resolve) =>
        client.getProduct({ sku }, new grpc.Metadata(), { deadline: Date.now() + 20_000 }, (err) =>
          resolve(err ? err.code : grpc.status.OK),
        ),
      );
    try {
      expect(await readyz()).toBe(200);
      expect(await getProduct(1001)).toBe(grpc.status.OK);
      const inFlight = getProduct(1002);
      // SIGTERM only once the server is working on the call (a loaded machine may take its time to deliver it).
      const deadline = performance.now() + 10_000;
      while ((await callsCounted()) < 2 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(await callsCounted()).toBe(2);

      const signalledAt = performance.now();
      service.kill('SIGTERM');
      const seen: (number | string)[] = [];
      let finished = false;
      void inFlight.then(() => (finished = true));
      while (!finished && performance.now() - signalledAt < latencyMs + 5_000) {
        seen.push(await readyz());
        if (seen.at(-1) === 503) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      const notReadyAfterMs = performance.now() - signalledAt;
      const callFinishedBeforeNotReady = finished;
      expect(await inFlight).toBe(grpc.status.OK);
      const exit = await service.exited;

      const serverSpans = receiver.spans.filter(
        (s) => s.service === 'products' && s.kind === 2 && s.name === 'grpc.product.v1.ProductService/GetProduct',
      );
      report('sigterm', { notReadyAfterMs: Math.round(notReadyAfterMs), readyzSeen: seen, exit, serverSpans: serverSpans.length });
      expect(seen.at(-1)).toBe(503);
      expect(callFinishedBeforeNotReady).toBe(false);
      expect(exit).toBe('0');
      // Both calls' spans: the one answered before the signal and the one finished during the grace.
      expect(serverSpans).toHaveLength(2);
    } finally {
      client.close();
    }
  }, 60_000);
});
