// create-order's load against the transport alone (bench/infra/transportEcho.ts): how many calls a second the load
// generator and one server process manage, and their CPU per call, before LOMS does any work. Read beside LOMS'
// points and pgbench's, it bounds the ratio this machine allows.
import type { LoadResult } from '../loadgen/runLoad';
import { startTransportEcho } from '../infra/transportEchoProcess';
import type { ResourceFigures } from '../infra/resourceSampler';
import { fmt, latencyCells, msPerOperation, type BenchContext, type ServedProcess, type Table } from './scenarioKit';

export interface TransportPoint {
  concurrency: number;
  load: LoadResult;
  resources: Record<string, ResourceFigures>;
}

/** `load` runs one point of create-order's load against the echo. */
export async function transportEchoPoints(
  ctx: BenchContext,
  concurrencies: readonly number[],
  load: (echo: ServedProcess, concurrency: number) => Promise<Omit<TransportPoint, 'concurrency'>>,
): Promise<TransportPoint[]> {
  const echo = await startTransportEcho(ctx.root);
  try {
    const points: TransportPoint[] = [];
    for (const concurrency of concurrencies) points.push({ concurrency, ...(await load(echo, concurrency)) });
    return points;
  } finally {
    await echo.stop();
  }
}

const cpuPerCall = (point: TransportPoint, process: string) =>
  msPerOperation(point.resources[process], 'cpuPercent', point.load.throughput).toFixed(2);

export function transportTable(
  echo: TransportPoint[],
  measured: { concurrency: number; service: LoadResult; ceiling: { prepared: LoadResult } }[],
): Table {
  return {
    caption:
      'The transport alone: the same calls answered at once by a bare grpc-js server over the same mutual TLS (`bench/infra/transportEcho.ts`: no interceptors, tracing, metrics or database), against LOMS and pgbench at the same point above. Latency in ms; CPU in ms per call.',
    headers: ['in flight', 'calls/s', 'p50', 'p90', 'p99', 'max', 'echo CPU', 'load generator CPU', 'echo ÷ pgbench', 'LOMS ÷ echo'],
    rows: echo.map((point) => {
      const beside = measured.find((m) => m.concurrency === point.concurrency);
      return [
        String(point.concurrency),
        fmt.rate(point.load.throughput),
        ...latencyCells(point.load),
        cpuPerCall(point, 'transport echo'),
        cpuPerCall(point, 'load generator'),
        beside ? fmt.pct(point.load.throughput / beside.ceiling.prepared.throughput) : '-',
        beside ? fmt.pct(beside.service.throughput / point.load.throughput) : '-',
      ];
    }),
  };
}
