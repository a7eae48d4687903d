import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@shop/testkit';
import { advisoryLeadership, type LeadershipTiming } from '../../src/workers/advisoryLeadership';

const lockKey = 4242;
const quick: LeadershipTiming = { heartbeatMs: 200, checkTimeoutMs: 500, serverIdleTimeoutMs: 2_000 };
let url: string;
let admin: Pool;

beforeAll(async () => {
  url = await freshDatabase('loms');
  admin = new Pool({ connectionString: url, max: 1 });
});
afterAll(() => admin.end());

const sessionsNamed = async (name: string) =>
  Number((await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1', [name])).rows[0]?.n);

describe('advisory leadership', () => {
  it('lets one replica lead; a standby asking again and again neither leads nor opens a session per attempt', async () => {
    const leader = advisoryLeadership({ connectionString: url }, lockKey, quick);
    const standby = advisoryLeadership({ connectionString: url, application_name: 'standby-asking' }, lockKey, quick);
    expect(await leader.tryLead()).toBe(true);
    for (let i = 0; i < 25; i++) expect(await standby.tryLead()).toBe(false);
    expect(await sessionsNamed('standby-asking')).toBe(1);

    await leader.release();
    expect(leader.isLeading()).toBe(false);
    expect(await standby.tryLead()).toBe(true);
    await standby.release();
    await expect.poll(() => sessionsNamed('standby-asking')).toBe(0);
  });

  it('hands leadership over when the leader’s session dies, and the old leader stops leading at its next heartbeat', async () => {
    const lost: string[] = [];
    const leader = advisoryLeadership({ connectionString: url }, lockKey, quick, (reason) => lost.push(reason));
    const standby = advisoryLeadership({ connectionString: url }, lockKey, quick);
    expect(await leader.tryLead()).toBe(true);
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid <> pg_backend_pid()",
      [lockKey],
    );
    await expect.poll(() => standby.tryLead(), { timeout: 5_000 }).toBe(true);
    await expect.poll(() => leader.isLeading(), { timeout: 2_000 }).toBe(false);
    expect(lost).toHaveLength(1);
    await standby.release();
    await leader.release();
  });

  it('keeps the lock while the leader is idle for longer than the server’s idle timeout: the heartbeat keeps its session', async () => {
    const leader = advisoryLeadership({ connectionString: url }, lockKey, quick);
    const standby = advisoryLeadership({ connectionString: url }, lockKey, quick);
    expect(await leader.tryLead()).toBe(true);
    await new Promise((r) => setTimeout(r, quick.serverIdleTimeoutMs * 2));
    expect(leader.isLeading()).toBe(true);
    expect(await standby.tryLead()).toBe(false);
    await leader.release();
    await standby.release();
  });

  it('refuses timings where the server could free the lock before the leader notices its session is gone', () => {
    expect(() =>
      advisoryLeadership({ connectionString: url }, lockKey, { heartbeatMs: 2_000, checkTimeoutMs: 3_000, serverIdleTimeoutMs: 4_000 }),
    ).toThrow(/before the server frees its lock/);
  });
});
