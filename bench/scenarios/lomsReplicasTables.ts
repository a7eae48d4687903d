// The loms-replicas scenario's tables: throughput and latency of 1 and 3 LOMS processes beside the pgbench
// ceiling, where the machine's CPU went, and what each replica served, batched and held in memory.
import type { LoadResult } from '../loadgen/runLoad';
import type { ResourceFigures } from '../infra/resourceSampler';
import type { StockCheck } from '../infra/stockInvariants';
import type { ReplicasPoint } from './lomsReplicas';
import { cpuPerOperationTable, fmt, latencyCells, type ScenarioResult, type Table } from './scenarioKit';

const lomsLabel = /^loms(-\d+)?$/;
const pointLabel = (p: ReplicasPoint) => `${p.replicas} LOMS, ${p.concurrency} in flight`;
const signedPct = (change: number) => `${change >= 0 ? '+' : '-'}${fmt.pct(Math.abs(change))}`;

/** LOMS summed over its replicas; the other groups as sampled. */
export function lomsSummed(resources: Record<string, ResourceFigures>): Record<string, ResourceFigures> {
  const loms = Object.entries(resources).filter(([name]) => lomsLabel.test(name));
  const others = Object.entries(resources).filter(([name]) => !lomsLabel.test(name));
  const sum = (key: keyof ResourceFigures) => Math.round(loms.reduce((total, [, f]) => total + f[key], 0) * 10) / 10;
  return {
    'loms (all replicas)': { peakRssMb: sum('peakRssMb'), cpuPercent: sum('cpuPercent'), waitPercent: sum('waitPercent') },
    ...Object.fromEntries(others),
  };
}

function throughputTable(points: ReplicasPoint[], ceilings: { concurrency: number; prepared: LoadResult }[]): Table {
  return {
    caption:
      'CreateOrder (3 random SKUs of 10,000 x 2 warehouses, relay off) through one TLS channel balancing round robin over the LOMS processes, all on one database and broker; pgbench -M prepared runs the same statement at the same concurrency just before. Latency in ms.',
    headers: [
      'LOMS processes',
      'in flight',
      'orders/s',
      'p50',
      'p90',
      'p99',
      'max',
      'errors',
      'vs 1 LOMS',
      'pgbench tps',
      'ratio to pgbench',
    ],
    rows: points.map((p) => {
      const one = points.find((q) => q.concurrency === p.concurrency && q.replicas === 1);
      const ceiling = ceilings.find((c) => c.concurrency === p.concurrency)?.prepared;
      return [
        String(p.replicas),
        String(p.concurrency),
        fmt.rate(p.load.throughput),
        ...latencyCells(p.load),
        String(p.load.errors),
        one && p !== one ? signedPct(p.load.throughput / one.load.throughput - 1) : '-',
        ceiling ? fmt.rate(ceiling.throughput) : '-',
        ceiling ? fmt.pct(p.load.throughput / ceiling.throughput) : '-',
      ];
    }),
  };
}

function cpuSplitTable(points: ReplicasPoint[], cores: number): Table {
  return {
    caption: `Where the machine's CPU went at each point, in % of one core (the machine has ${cores * 100}%): LOMS summed over its processes, PostgreSQL all its processes; from /proc/stat, what the whole machine ran, "others" the part of it outside the benchmark's processes (other processes, the kernel's interrupt work), and "stolen" the time the host gave these cores to other guests.`,
    headers: ['point', 'LOMS', 'postgres', 'load generator', 'benchmark total', 'whole machine', 'others', 'stolen'],
    rows: points.map((p) => {
      const r = lomsSummed(p.resources);
      const parts = ['loms (all replicas)', 'postgres', 'load generator'].map((name) => r[name]?.cpuPercent ?? 0);
      const total = parts.reduce((a, b) => a + b, 0);
      const { busyPercent, stealPercent } = p.machineCpu;
      return [pointLabel(p), ...[...parts, total, busyPercent, Math.max(0, busyPercent - total), stealPercent].map((c) => c.toFixed(0))];
    }),
  };
}

function perReplicaTable(points: ReplicasPoint[]): Table {
  return {
    caption:
      "Each LOMS process over the point (warm-up included): its share of the CreateOrder calls, the orders per create_orders round trip (its coalescer's mean batch), its CPU and its peak resident memory.",
    headers: ['point', 'process', 'share of calls', 'orders per batch', 'CPU %', 'peak RSS MB'],
    rows: points.flatMap((p) => {
      const calls = p.perReplica.reduce((sum, r) => sum + r.createOrderCalls, 0);
      return p.perReplica.map((r) => [
        pointLabel(p),
        r.label,
        fmt.pct(r.createOrderCalls / Math.max(1, calls)),
        (r.batchedCalls / Math.max(1, r.batches)).toFixed(1),
        r.cpuPercent.toFixed(0),
        r.peakRssMb.toFixed(0),
      ]);
    }),
  };
}

export function replicasResult(input: {
  ceilings: { concurrency: number; prepared: LoadResult }[];
  points: ReplicasPoint[];
  resources: Record<string, ResourceFigures>;
  stock: StockCheck;
  cores: number;
}): ScenarioResult {
  const { ceilings, points, stock } = input;
  return {
    name: 'loms-replicas',
    title: 'loms-replicas: CreateOrder against 1 and 3 LOMS processes on one database',
    tables: [
      throughputTable(points, ceilings),
      cpuSplitTable(points, input.cores),
      cpuPerOperationTable(
        'CPU per order of each process group (LOMS summed over its processes; PostgreSQL is all its processes).',
        points.map((p) => ({ label: pointLabel(p), throughput: p.load.throughput, resources: lomsSummed(p.resources) })),
      ),
      perReplicaTable(points),
    ],
    resources: input.resources,
    verdicts: [],
    notes: [
      `Stock after the run: ${stock.oversoldRows} oversold rows, ${stock.unbalancedRows} rows whose reserved units differ from their reservations, ${stock.driftRows} rows off their movement ledger.`,
    ],
    raw: { ceilings, points, stock },
  };
}
