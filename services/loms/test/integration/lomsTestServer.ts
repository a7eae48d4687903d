// Starts the real LOMS (TLS gRPC on port 0) over a fresh database, with a generated client.
import path from 'node:path';
import { setStockRow } from './setStockRow';
import * as grpc from '@grpc/grpc-js';
import { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { callUnary, type UnaryMethod } from '@shop/platform';
import { inventory, loms } from '@shop/proto';
import { lomsCredentials, repoRoot } from '@shop/devstack';
import { freshDatabase, startInProcess } from '@shop/testkit';
import { loadLomsConfig } from '../../src/config';
import { seedStock } from '../../src/seed/seedStock';
import { startLoms, type LomsHandle } from '../../src/startLoms';
import type { BatchedOperation } from '../../src/observability/metrics';

export interface LomsTestServer {
  handle: LomsHandle;
  databaseUrl: string;
  pool: Pool;
  client: loms.LomsServiceClient;
  call<Req, Res>(method: (c: loms.LomsServiceClient) => UnaryMethod<Req, Res>, request: Req): Promise<Res>;
  /** InventoryService, called as admin. */
  inventory: inventory.InventoryServiceClient;
  callInventory<Req, Res>(method: (c: inventory.InventoryServiceClient) => UnaryMethod<Req, Res>, request: Req): Promise<Res>;
  stop(): Promise<void>;
}

export async function startLomsTestServer(env: Record<string, string> = {}, databaseUrl?: string): Promise<LomsTestServer> {
  const url = databaseUrl ?? (await freshDatabase('loms'));
  const handle = await startInProcess(
    { name: 'loms', loadConfig: loadLomsConfig, start: startLoms },
    { LOMS_DATABASE_URL: url, CANCELLER_ENABLED: 'false', OUTBOX_RELAY_ENABLED: 'false', ...env },
  );
  const client = new loms.LomsServiceClient(`localhost:${handle.grpcPort}`, lomsCredentials('admin'));
  const inventoryClient = new inventory.InventoryServiceClient(`localhost:${handle.grpcPort}`, lomsCredentials('admin'));
  const pool = new Pool({ connectionString: url, max: 4 });
  return {
    handle,
    databaseUrl: url,
    pool,
    client,
    call: (method, request) => callUnary(method(client).bind(client), request, { timeoutMs: 10_000 }),
    inventory: inventoryClient,
    callInventory: (method, request) => callUnary(method(inventoryClient).bind(inventoryClient), request, { timeoutMs: 10_000 }),
    async stop() {
      client.close();
      inventoryClient.close();
      await pool.end();
      await handle.stop();
    },
  };
}

/** A fresh LOMS database holding the checked-in stock, data/stock.json (as `make run-services` seeds it). */
export async function seededLomsDatabase(): Promise<string> {
  const databaseUrl = await freshDatabase('loms');
  await seedStock(databaseUrl, path.join(repoRoot(), 'data/stock.json'));
  return databaseUrl;
}

/** Replaces all stock with the given rows (warehouses 1..3 exist). */
export async function setStock(pool: Pool, rows: { sku: number; warehouseId: number; total: number; reserved?: number }[]): Promise<void> {
  await pool.query("INSERT INTO warehouses (id, name) VALUES (1, 'w1'), (2, 'w2'), (3, 'w3') ON CONFLICT DO NOTHING");
  await pool.query('DELETE FROM stocks WHERE NOT EXISTS (SELECT 1 FROM reservations r WHERE r.sku = stocks.sku)');
  for (const r of rows) await pool.query(setStockRow, [r.sku, r.warehouseId, r.total, r.reserved ?? 0]);
}

export async function stockRows(pool: Pool, sku: number): Promise<{ warehouseId: number; total: number; reserved: number }[]> {
  const { rows } = await pool.query<{ warehouse_id: string; total: string; reserved: string }>(
    'SELECT warehouse_id, total, reserved FROM stocks WHERE sku = $1 ORDER BY warehouse_id',
    [sku],
  );
  return rows.map((r) => ({ warehouseId: Number(r.warehouse_id), total: Number(r.total), reserved: Number(r.reserved) }));
}

export function grpcCode(err: unknown): grpc.status | undefined {
  return (err as grpc.ServiceError | undefined)?.code;
}

/** How many batches of more than one call LOMS has sent, from its loms_batch_size histogram. */
export async function multiOrderBatches(registry: Registry, operation: BatchedOperation = 'create_order'): Promise<number> {
  const values = ((await registry.getSingleMetric('loms_batch_size')?.get())?.values ?? []) as {
    metricName?: string;
    labels: Record<string, unknown>;
    value: number;
  }[];
  const of = (name: string, le?: number) =>
    values.find((v) => v.metricName === name && v.labels.operation === operation && (le === undefined || v.labels.le === le))?.value ?? 0;
  return of('loms_batch_size_count') - of('loms_batch_size_bucket', 1);
}
