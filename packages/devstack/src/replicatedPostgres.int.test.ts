import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReplicatedPostgres, type ReplicatedPostgres } from './replicatedPostgres';

let dataRoot: string;
let pair: ReplicatedPostgres | undefined;

beforeAll(async () => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'replicated-pg-'));
  pair = await startReplicatedPostgres({ dataRoot });
}, 60_000);

afterAll(async () => {
  await pair?.stop();
  fs.rmSync(dataRoot, { recursive: true, force: true });
});

async function query<R extends object>(url: string, text: string, values: unknown[] = []): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

describe('startReplicatedPostgres', () => {
  it('commits on the primary only what the standby has, and the promoted standby takes writes after the primary crashed', async () => {
    const { primary, standby } = pair!;
    const settings = await query<{ name: string; setting: string }>(
      primary.url('postgres'),
      "SELECT name, setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'synchronous_standby_names') ORDER BY name",
    );
    expect(settings).toEqual([
      { name: 'fsync', setting: 'on' },
      { name: 'synchronous_commit', setting: 'on' },
      { name: 'synchronous_standby_names', setting: 'standby' },
    ]);
    expect(await query(primary.url('postgres'), "SELECT slot_type, active FROM pg_replication_slots WHERE slot_name = 'standby'")).toEqual([
      { slot_type: 'physical', active: true },
    ]);

    await query(primary.url('postgres'), 'CREATE TABLE committed (n int)');
    await query(primary.url('postgres'), 'INSERT INTO committed SELECT generate_series(1, 100)');
    await primary.crash();
    await pair!.promoteStandby();

    expect(await query(standby.url('postgres'), 'SELECT count(*)::int AS n FROM committed')).toEqual([{ n: 100 }]);
    await query(standby.url('postgres'), 'INSERT INTO committed VALUES (101)');
    expect(await query(standby.url('postgres'), 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: false }]);
  });
});
