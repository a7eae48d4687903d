// The relay publishes only what the synchronous standby has. A commit whose wait for the standby is cancelled is
// visible on the primary at once, though the standby may never get it; its event must not reach Kafka before the
// standby confirms it, or a failover in between would leave a published event whose order the new primary lacks.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createLogger } from '@shop/platform';
import { type KafkaBroker, migrate, type ReplicatedPostgres, startKafkaBroker, startReplicatedPostgres } from '@shop/devstack';
import { collectTopic, eventually, type TopicCollector } from '@shop/testkit';
import { startOutboxRelay } from '../../services/loms/src/workers/startOutboxRelay';

const topic = 'fence.order-status';
let dataRoot: string | undefined;
let postgres: ReplicatedPostgres | undefined;
let broker: KafkaBroker | undefined;
let collected: TopicCollector | undefined;
let pool: Pool | undefined;

beforeAll(async () => {
  dataRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'relay-fence-'));
  postgres = await startReplicatedPostgres({ dataRoot });
  const admin = new Client({ connectionString: postgres.primary.url('postgres') });
  await admin.connect();
  await admin.query('CREATE DATABASE loms');
  await admin.end();
  await migrate(postgres.primary.url('loms'), 'loms');
  pool = new Pool({ connectionString: postgres.primary.url('loms'), max: 3 });
  broker = await startKafkaBroker();
  collected = await collectTopic(broker.brokers, topic);
}, 90_000);

afterAll(async () => {
  await collected?.stop().catch(() => undefined);
  await pool?.end();
  await broker?.stop().catch(() => undefined);
  await postgres?.stop().catch(() => undefined);
  if (dataRoot) fs.rmSync(dataRoot, { recursive: true, force: true });
});

/** Stops the standby's WAL receiver (SIGSTOP): it confirms nothing, so every commit on the primary waits. */
async function pauseStandby(): Promise<() => void> {
  const standby = new Client({ connectionString: postgres!.standby.url('postgres') });
  await standby.connect();
  try {
    const { rows } = await standby.query<{ pid: number }>('SELECT pid FROM pg_stat_wal_receiver');
    const pid = rows[0]?.pid;
    if (!pid) throw new Error('the standby has no WAL receiver');
    process.kill(pid, 'SIGSTOP');
    return () => process.kill(pid, 'SIGCONT');
  } finally {
    await standby.end();
  }
}

/**
 * Returns once a commit on `client` waits for the standby; the probe's commit ends when the standby confirms again.
 */
async function untilCommitsWait(client: Client): Promise<void> {
  const until = Date.now() + 15_000;
  while (Date.now() < until) {
    const probe = client.query("SELECT pg_logical_emit_message(true, 'test', 'probe')");
    const waited = await Promise.race([probe.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300))]);
    if (waited) {
      probes.push(probe);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('commits did not start waiting for the absent standby');
}
const probes: Promise<unknown>[] = [];

/** The backend running `pending`, the one outbox INSERT under way, found by its query text. */
async function pidOf(pending: Promise<unknown>): Promise<number> {
  void pending.catch(() => undefined);
  const { rows } = await eventually(
    'the waiting INSERT',
    () => pool!.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE query LIKE 'INSERT INTO outbox%' AND state = 'active'"),
    (r) => r.rows.length === 1,
  );
  return rows[0]!.pid;
}

const published = (eventId: string) => collected!.messages.filter((m) => m.value.includes(eventId)).length;

describe('the outbox relay in front of a synchronous standby', () => {
  it('does not publish an event whose commit the standby has not confirmed, and publishes it once it has', async () => {
    const logger = createLogger('test', 'silent');
    const relay = startOutboxRelay(
      pool!,
      createKafka({ clientId: 'fence-relay', brokers: broker!.brokers, logger }).producer({ allowAutoTopicCreation: true }),
      logger,
      {
        topics: { orderStatus: topic, stockLevels: 'fence.stock-levels' },
        batchSize: 100,
        pollIntervalMs: 20,
        minPollGapMs: 0,
        sendTimeoutMs: 2_000,
      },
    );
    const writer = new Client({ connectionString: postgres!.primary.url('loms') });
    const inserter = new Client({ connectionString: postgres!.primary.url('loms') });
    await Promise.all([writer.connect(), inserter.connect()]);
    let resume = () => undefined as void;
    try {
      resume = await pauseStandby();
      await untilCommitsWait(writer);
      const eventId = randomUUID();
      const committing = inserter.query(
        `INSERT INTO outbox (event_id, order_id, user_id, status, previous_status, items, occurred_at, version)
         VALUES ($1, 1, 1, 'AWAITING_PAYMENT', 'NEW', '[{"sku":1,"count":1}]', now(), 1)`,
        [eventId],
      );
      // A commit that waits for the standby is not visible yet; one whose wait is cancelled (LOMS cancels the
      // statement of a caller who gave up) is, though the standby may never get it.
      const inserterPid = await pidOf(committing);
      await pool!.query('SELECT pg_cancel_backend($1)', [inserterPid]);
      await eventually(
        'the row visible on the primary while the standby lacks it',
        async () => (await pool!.query('SELECT 1 FROM outbox WHERE event_id = $1', [eventId])).rowCount,
        (n) => n === 1,
      );
      // The relay polls every 20 ms: a second is fifty chances to publish what it must not.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(published(eventId)).toBe(0);

      resume();
      resume = () => undefined;
      await Promise.all([committing, ...probes]);
      await eventually(
        'the event published once the standby has it',
        async () => published(eventId),
        (n) => n >= 1,
        15_000,
      );
    } finally {
      resume();
      await Promise.all([writer.end(), inserter.end()]);
      await relay.stop();
    }
  }, 60_000);
});
