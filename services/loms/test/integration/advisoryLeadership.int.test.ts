import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '@shop/testkit/src/testDatabase';
import { advisoryLeadership } from '../../src/workers/advisoryLeadership';

const lockKey = 4242;
let leaderPool: Pool;
let standbyPool: Pool;

beforeAll(async () => {
  const url = await freshDatabase('loms');
  leaderPool = new Pool({ connectionString: url, max: 2 });
  standbyPool = new Pool({ connectionString: url, max: 1 });
});
afterAll(async () => {
  await leaderPool.end();
  await standbyPool.end();
});

describe('advisory leadership', () => {
  it('lets one replica lead; a standby asking again and again neither leads nor piles listeners on its pooled connection', async () => {
    const leader = advisoryLeadership(leaderPool, lockKey);
    const standby = advisoryLeadership(standbyPool, lockKey);
    expect(await leader.tryLead()).toBe(true);
    for (let i = 0; i < 25; i++) expect(await standby.tryLead()).toBe(false);

    const client = await standbyPool.connect();
    try {
      // pg-pool removes its own idle listener on checkout: whatever is left was added by the attempts.
      expect(client.listenerCount('error')).toBe(0);
    } finally {
      client.release();
    }

    await leader.release();
    expect(await standby.tryLead()).toBe(true);
    await standby.release();
  });

  it('hands leadership over when the leader’s session dies', async () => {
    const leader = advisoryLeadership(leaderPool, lockKey);
    const standby = advisoryLeadership(standbyPool, lockKey);
    expect(await leader.tryLead()).toBe(true);
    await standbyPool.query(
      "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND pid <> pg_backend_pid()",
      [lockKey],
    );
    await expect.poll(() => standby.tryLead(), { timeout: 5_000 }).toBe(true);
    await standby.release();
    await leader.release();
  });
});
