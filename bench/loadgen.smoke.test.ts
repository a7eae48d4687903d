// A short run of the load generator against the real LOMS (a few hundred calls): it must report sane
// figures. Numbers come from `make bench`, never from here.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@shop/testkit';
import { startLomsTestServer, type LomsTestServer } from '../services/loms/test/integration/lomsTestServer';
import { assertLocalTarget, lomsBenchClient } from './loadgen/benchClients';
import { runLoad } from './loadgen/runLoad';
import { runPgbench } from './infra/pgbench';
import { seedBenchStock } from './infra/seedBenchData';
import { createOrderScript, hotSkuScript, scriptFiles, skuRanges } from './sql/ceilingScripts';
import { randomOrderItems } from './scenarios/scenarioKit';

let url: string;
let loms: LomsTestServer;

beforeAll(async () => {
  url = await freshDatabase('loms');
  await seedBenchStock(url);
  loms = await startLomsTestServer({}, url);
});
afterAll(() => loms?.stop());

describe('the load generator', () => {
  it('drives CreateOrder over TLS with a fixed number in flight and reports throughput and ordered percentiles', async () => {
    const client = lomsBenchClient(`localhost:${loms.handle.grpcPort}`);
    const lines: string[] = [];
    try {
      const result = await runLoad({
        label: 'smoke',
        concurrency: 4,
        warmupMs: 200,
        durationMs: 3_000,
        maxCalls: 300,
        operation: async (_, seq) => {
          await client.call((c) => c.createOrder, { userId: seq + 1, items: randomOrderItems(skuRanges), idempotencyKey: '' });
        },
        progress: (line) => lines.push(line),
      });
      expect(result.errors).toBe(0);
      expect(result.ok).toBeGreaterThan(50);
      expect(result.ok).toBeLessThanOrEqual(300);
      expect(result.throughput).toBeGreaterThan(0);
      expect(result.p50Ms).toBeGreaterThan(0);
      expect(result.p50Ms).toBeLessThanOrEqual(result.p90Ms);
      expect(result.p90Ms).toBeLessThanOrEqual(result.p99Ms);
      expect(result.p99Ms).toBeLessThanOrEqual(result.maxMs);
      expect(result.windowEndMs).toBeGreaterThan(result.windowStartMs);
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      expect(lines.at(-1)).toMatch(/^smoke: \d+\/s, p50 /);
    } finally {
      client.close();
    }
  });

  it('stops at its call bound before its duration', async () => {
    let calls = 0;
    const result = await runLoad({
      label: 'bound',
      concurrency: 8,
      warmupMs: 0,
      durationMs: 10_000,
      maxCalls: 100,
      operation: async () => void calls++,
      progress: () => undefined,
    });
    expect(calls).toBe(100);
    expect(result.stoppedByMaxCalls).toBe(true);
    expect(result.seconds).toBeLessThan(5);
  });

  it('refuses targets other than this machine', () => {
    expect(() => assertLocalTarget('example.com:443')).toThrow(/only targets localhost/);
    expect(() => assertLocalTarget('localhost:50052')).not.toThrow();
  });
});

describe('the pgbench ceiling', () => {
  it('runs the checked-in scripts, which are LOMS own CreateOrder statement', async () => {
    expect(fs.readFileSync(scriptFiles.createOrder, 'utf8')).toBe(createOrderScript);
    expect(fs.readFileSync(scriptFiles.hotSku, 'utf8')).toBe(hotSkuScript);
    const u = new URL(url);
    const result = await runPgbench({
      label: 'smoke pgbench',
      script: scriptFiles.createOrder,
      database: u.pathname.slice(1),
      clients: 2,
      mode: 'prepared',
      warmupMs: 200,
      durationMs: 1_000,
      env: {
        ...process.env,
        PGHOST: u.hostname,
        PGPORT: u.port,
        PGUSER: decodeURIComponent(u.username),
        PGPASSWORD: decodeURIComponent(u.password),
      },
      say: () => undefined,
    });
    expect(result.errors).toBe(0);
    expect(result.throughput).toBeGreaterThan(0);
    expect(result.p50Ms).toBeLessThanOrEqual(result.p99Ms);
  });
});
