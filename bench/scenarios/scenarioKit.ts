// What every scenario gets (infrastructure, timing, output) and returns (tables, resources, verdicts).
import { runLoad, type LoadOptions, type LoadResult } from '../loadgen/runLoad';
import type { BenchInfrastructure } from '../infra/benchInfrastructure';
import { postgresPids, sampleResources, sampleSelf, type ResourceFigures } from '../infra/resourceSampler';
import type { RunningService } from '../infra/serviceProcess';
import type { Machine } from '../report/machine';

export interface BenchTiming {
  warmupMs: number;
  durationMs: number;
  /** Upper bound on calls of one measured point. */
  maxCalls: number;
}

export interface BenchContext {
  root: string;
  infra: BenchInfrastructure;
  timing: BenchTiming;
  /** A scratch folder of this run (catalogue file, CPU profiles). */
  workDir: string;
  say(line: string): void;
}

export interface Table {
  caption: string;
  headers: string[];
  rows: string[][];
}

export interface Verdict {
  scenario: string;
  what: string;
  measured: string;
  target: string;
  met: boolean;
}

export interface ScenarioResult {
  name: string;
  title: string;
  tables: Table[];
  /** Peak RSS and CPU per process group (service, postgres, load generator) over the scenario's load. */
  resources: Record<string, ResourceFigures>;
  verdicts: Verdict[];
  notes: string[];
  /** Every raw measurement, for the JSON output. */
  raw: Record<string, unknown>;
  /** Set when the result comes from a run of its own (`make bench SCENARIO=…`), not from the report's full run. */
  measuredApart?: { machine: Machine; timing: BenchTiming; minutes: number };
}

export type Scenario = (ctx: BenchContext) => Promise<ScenarioResult>;

/** Resource figures keep the worst (highest) value seen across the points of a scenario. */
export function mergeResources(into: Record<string, ResourceFigures>, from: Record<string, ResourceFigures>): void {
  for (const [name, f] of Object.entries(from)) {
    const seen = into[name];
    into[name] = seen
      ? {
          peakRssMb: Math.max(seen.peakRssMb, f.peakRssMb),
          cpuPercent: Math.max(seen.cpuPercent, f.cpuPercent),
          waitPercent: Math.max(seen.waitPercent, f.waitPercent),
        }
      : f;
  }
}

/** What a load point samples of a process under load: its pid, and why it is gone if it crashed. */
export type SampledProcess = Pick<RunningService, 'label' | 'pid' | 'failure'>;

/** A sampled process that serves gRPC where a load can reach it: a service, or the transport echo. */
export type ServedProcess = SampledProcess & Pick<RunningService, 'grpcAddress' | 'stop'>;

/** Runs one load point while sampling the services, PostgreSQL and this process. */
export async function measuredLoad(
  ctx: BenchContext,
  services: SampledProcess[],
  options: Omit<LoadOptions, 'durationMs' | 'warmupMs' | 'maxCalls'> & Partial<BenchTiming>,
): Promise<{ load: LoadResult; resources: Record<string, ResourceFigures> }> {
  const sampler = sampleResources([
    ...services.map((s) => ({ name: s.label, pids: () => [s.pid] })),
    { name: 'postgres', pids: () => postgresPids(ctx.infra.dataDir) },
  ]);
  const self = sampleSelf();
  const load = await runLoad({ ...ctx.timing, ...options });
  const resources = { ...sampler.stop(), 'load generator': self.stop() };
  const crashed = services.map((s) => s.failure()).find((f) => f !== undefined);
  if (crashed) throw new Error(`${options.label}: ${crashed}`);
  if (load.errors > 0) ctx.say(`${options.label}: ${load.errors} failed calls, the first: ${load.firstError ?? '?'}`);
  return { load, resources };
}

type OperationPoint = { label: string; throughput: number; resources: Record<string, ResourceFigures> };

/** Milliseconds of a process's CPU (or wait for a core) per operation: its share of a core over the operations per second. */
export const msPerOperation = (figures: ResourceFigures | undefined, figure: 'cpuPercent' | 'waitPercent', throughput: number): number =>
  ((figures?.[figure] ?? 0) * 10) / Math.max(throughput, 1e-9);

function perOperationTable(caption: string, points: OperationPoint[], figure: 'cpuPercent' | 'waitPercent', unit: string): Table {
  const processes = [...new Set(points.flatMap((p) => Object.keys(p.resources)))];
  return {
    caption,
    headers: ['point', 'ops/s', ...processes.map((name) => `${name} ${unit}`), `all ${unit}`],
    rows: points.map((p) => {
      const perOp = processes.map((name) => msPerOperation(p.resources[name], figure, p.throughput));
      return [p.label, fmt.rate(p.throughput), ...perOp.map((ms) => ms.toFixed(2)), perOp.reduce((a, b) => a + b, 0).toFixed(2)];
    }),
  };
}

/**
 * Milliseconds of CPU each process spent per operation at each point: its mean CPU over the point (% of one
 * core) over the operations per second, so every ratio can be read through to where the CPU went.
 */
export const cpuPerOperationTable = (caption: string, points: OperationPoint[]): Table =>
  perOperationTable(caption, points, 'cpuPercent', 'ms CPU/op');

/**
 * Milliseconds per operation each process's threads were ready to run but waited for a core: on cores that the
 * service, PostgreSQL and the load generator share, the queueing that the CPU table does not show.
 */
export const coreWaitPerOperationTable = (points: OperationPoint[]): Table =>
  perOperationTable(
    "Time per operation each process's threads were ready to run but waited for a core (the scheduler's run delay, summed over threads from /proc/<pid>/task/*/schedstat), at the same points.",
    points,
    'waitPercent',
    'ms waiting/op',
  );

export const fmt = {
  rate: (n: number) => Math.round(n).toLocaleString('en-US'),
  ms: (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)),
  pct: (n: number) => `${Math.round(n * 100)}%`,
};

export const latencyCells = (r: LoadResult) => [fmt.ms(r.p50Ms), fmt.ms(r.p90Ms), fmt.ms(r.p99Ms), fmt.ms(r.maxMs)];

/** A user id that no other operation of the run uses. */
export const uniqueUser = (seq: number) => 1 + seq;

/** Three distinct SKUs, one from each third of 1..10,000 (the pgbench script picks them the same way). */
export function randomOrderItems(ranges: readonly [number, number][]): { sku: number; count: number }[] {
  return ranges.map(([lo, hi]) => ({ sku: lo + Math.floor(Math.random() * (hi - lo + 1)), count: 1 }));
}
