// loms-replicas: the create-order load at 16 and 64 in flight against 1 LOMS process, then against 3 on the
// same database and broker, the load generator's one channel balancing round robin over their addresses;
// pgbench with the same statement first at each concurrency (the machine's ceiling in the same run).
import os from 'node:os';
import { readMetrics, sumOfSeries } from '@shop/devstack';
import { lomsReplicasBenchClient } from '../loadgen/benchClients';
import type { LoadResult } from '../loadgen/runLoad';
import { sampleMachineCpu, type MachineCpu, type ResourceFigures } from '../infra/resourceSampler';
import { seedBenchStock } from '../infra/seedBenchData';
import { startService, type RunningService } from '../infra/serviceProcess';
import { checkStock } from '../infra/stockInvariants';
import { createOrderLoad, createOrderPgbench, lomsEnv } from './createOrder';
import { replicasResult } from './lomsReplicasTables';
import { mergeResources, type BenchContext, type ScenarioResult } from './scenarioKit';

export const replicaCounts = [1, 3] as const;
export const replicaConcurrencies = [16, 64] as const;

/** What one LOMS process did over a point (warm-up included): calls served, batches formed, CPU and memory. */
export interface ReplicaFigures {
  label: string;
  createOrderCalls: number;
  /** create_orders round trips, and the calls they carried. */
  batches: number;
  batchedCalls: number;
  peakRssMb: number;
  cpuPercent: number;
}

export interface ReplicasPoint {
  replicas: number;
  concurrency: number;
  load: LoadResult;
  /** Per process group, LOMS under each replica's label. */
  resources: Record<string, ResourceFigures>;
  /** The whole machine's CPU over the point: what others on it took shows here. */
  machineCpu: MachineCpu;
  perReplica: ReplicaFigures[];
}

/** As `make run-services` names them: `loms` when alone, else `loms-1`, `loms-2`, … */
const replicaLabel = (count: number, i: number) => (count === 1 ? 'loms' : `loms-${i + 1}`);

async function startReplicas(ctx: BenchContext, url: string, count: number): Promise<RunningService[]> {
  const started: RunningService[] = [];
  try {
    // One after another: on 2 busy cores, starting them at once only makes each slower to get ready.
    for (let i = 0; i < count; i++)
      started.push(
        await startService({ name: 'loms', label: replicaLabel(count, i), root: ctx.root, env: lomsEnv(ctx, url, false), say: ctx.say }),
      );
    return started;
  } catch (err) {
    await Promise.all(started.map((r) => r.stop()));
    throw err;
  }
}

interface ReplicaCounters {
  createOrderCalls: number;
  batches: number;
  batchedCalls: number;
}

async function readCounters(replica: RunningService): Promise<ReplicaCounters> {
  const text = await readMetrics(replica.adminPort);
  return {
    createOrderCalls: sumOfSeries(text, 'grpc_server_handled_total', { grpc_method: 'CreateOrder' }),
    batches: sumOfSeries(text, 'loms_batch_size_count', { operation: 'create_order' }),
    batchedCalls: sumOfSeries(text, 'loms_batch_size_sum', { operation: 'create_order' }),
  };
}

async function measurePoint(ctx: BenchContext, url: string, replicas: number, concurrency: number): Promise<ReplicasPoint> {
  const processes = await startReplicas(ctx, url, replicas);
  // 127.0.0.1 even for one: the same kind of channel (round robin over IPv4 addresses) in both configurations.
  const client = lomsReplicasBenchClient(processes.map((r) => `127.0.0.1:${r.grpcPort}`).join(','));
  try {
    const before = await Promise.all(processes.map(readCounters));
    const machine = sampleMachineCpu(os.cpus().length);
    const measured = await createOrderLoad(ctx, processes, client, concurrency, `loms-replicas ${replicas} LOMS, ${concurrency} in flight`);
    const machineCpu = machine.stop();
    const after = await Promise.all(processes.map(readCounters));
    const perReplica = processes.map((r, i) => {
      const [b, a] = [before[i], after[i]];
      const delta = (key: keyof ReplicaCounters) => (a?.[key] ?? 0) - (b?.[key] ?? 0);
      const figures = measured.resources[r.label];
      return {
        label: r.label,
        createOrderCalls: delta('createOrderCalls'),
        batches: delta('batches'),
        batchedCalls: delta('batchedCalls'),
        peakRssMb: figures?.peakRssMb ?? 0,
        cpuPercent: figures?.cpuPercent ?? 0,
      };
    });
    return { replicas, concurrency, load: measured.load, resources: measured.resources, machineCpu, perReplica };
  } finally {
    client.close();
    await Promise.all(processes.map((r) => r.stop()));
  }
}

export async function lomsReplicasScenario(ctx: BenchContext): Promise<ScenarioResult> {
  const url = await ctx.infra.freshDatabase('loms', 'loms_replicas');
  await seedBenchStock(url);
  const database = new URL(url).pathname.slice(1);
  const resources: Record<string, ResourceFigures> = {};
  const ceilings: { concurrency: number; prepared: LoadResult }[] = [];
  const points: ReplicasPoint[] = [];
  // Concurrency outermost: the ceiling and both configurations of one concurrency are measured minutes apart,
  // not a whole scenario apart, on a machine whose speed drifts.
  for (const concurrency of replicaConcurrencies) {
    ceilings.push({ concurrency, prepared: await createOrderPgbench(ctx, database, concurrency, 'prepared') });
    for (const replicas of replicaCounts) {
      const point = await measurePoint(ctx, url, replicas, concurrency);
      mergeResources(resources, point.resources);
      points.push(point);
    }
  }
  const stock = await checkStock(url);
  return replicasResult({ ceilings, points, resources, stock, cores: os.cpus().length });
}
