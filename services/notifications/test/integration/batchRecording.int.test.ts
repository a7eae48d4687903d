// Batches on the real database and broker: the multi-row insert stores what one event at a time stores, a poison
// message costs only itself, and a batch redelivered after a crash between its commit and its offsets is recorded once.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Producer } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, createLogger, inTransaction } from '@shop/platform';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { collectTopic, eventually, freshDatabase, type TopicCollector } from '@shop/testkit';
import { recordStatusChange } from '../../src/app/recordStatusChange';
import { recordStatusChanges, type RecordResult, type RecordStatusChangesDeps } from '../../src/app/recordStatusChanges';
import type { StatusChangeCandidate } from '../../src/domain/statusChange';
import { notificationsStore } from '../../src/storage/notifications';
import { startStatusConsumer, type StatusConsumer, type StatusConsumerOptions } from '../../src/transport/kafka/consumer';
import { createDeadLetters } from '../../src/transport/kafka/deadLetters';
import { connectProducer, messageOf, statusEvent, testKafka, uniqueUserId } from './statusEvents';

let batched: Pool;
let oneByOne: Pool;
let broker: KafkaBroker;
let producer: Producer;

beforeAll(async () => {
  batched = new Pool({ connectionString: await freshDatabase('notifications'), max: 4 });
  oneByOne = new Pool({ connectionString: await freshDatabase('notifications'), max: 4 });
  broker = await startKafkaBroker();
  producer = await connectProducer(testKafka(broker.brokers));
});

afterAll(async () => {
  await producer?.disconnect();
  await broker?.stop();
  await batched?.end();
  await oneByOne?.end();
});

function depsOf(pool: Pool) {
  const counts = { recorded: 0, deduplicated: 0, superseded: 0, gaps: 0 };
  const deps: RecordStatusChangesDeps = {
    db: pool,
    inTransaction: (work) => inTransaction(pool, work),
    notifications: notificationsStore,
    metrics: {
      recorded: () => counts.recorded++,
      deduplicated: () => counts.deduplicated++,
      superseded: () => counts.superseded++,
      versionGap: () => counts.gaps++,
    },
    onRecorded: () => undefined,
  };
  return { deps, counts };
}

const rowsOf = async (pool: Pool, orderIds: number[]) =>
  (
    await pool.query<{ event_id: string; order_id: string; version: string; superseded: boolean; due: boolean }>(
      `SELECT event_id::text, order_id, version, superseded, next_attempt_at IS NOT NULL AS due
       FROM notifications WHERE order_id = ANY($1::bigint[]) ORDER BY seq`,
      [orderIds],
    )
  ).rows;
const latestOf = async (pool: Pool, orderIds: number[]) =>
  (await pool.query('SELECT order_id, latest_version FROM order_versions WHERE order_id = ANY($1::bigint[]) ORDER BY order_id', [orderIds]))
    .rows;

let nextOrderId = 1;
const kindOf = (result: RecordResult) => (typeof result === 'string' ? result : refusedKind(result.refused));
const refusedKind = (err: unknown) => `refused: ${(err as Error).name} ${(err as { sqlState?: string }).sqlState ?? ''}`;

describe('recording a batch with one multi-row insert', () => {
  it('stores the same rows, versions and outcomes as recording its events one at a time, duplicates inside the batch included', async () => {
    // Now and then a NUL in the traceparent: a value the database refuses, for a duplicate as much as for a new event.
    const arrival = fc.record({
      event: fc.integer({ min: 0, max: 9 }),
      order: fc.integer({ min: 0, max: 2 }),
      version: fc.integer({ min: 0, max: 5 }),
      nul: fc.integer({ min: 0, max: 15 }).map((n) => n === 0),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(arrival, { minLength: 1, maxLength: 12 }), { minLength: 1, maxLength: 3 }), async (batches) => {
        const orders = [nextOrderId++, nextOrderId++, nextOrderId++];
        const eventIds = Array.from({ length: 10 }, () => randomUUID());
        const candidate = (a: { event: number; order: number; version: number; nul: boolean }): StatusChangeCandidate => ({
          eventId: eventIds[a.event]!,
          orderId: orders[a.order]!,
          userId: 1,
          status: 'PAYED',
          occurredAt: new Date('2025-01-01T00:00:00Z'),
          version: a.version,
          traceparent: a.nul ? 'nul\u0000' : undefined,
        });
        const together = depsOf(batched);
        const alone = depsOf(oneByOne);
        for (const batch of batches) {
          const now = new Date();
          const results = (await recordStatusChanges(together.deps, batch.map(candidate), now)).map(kindOf);
          const expected: string[] = [];
          for (const a of batch) expected.push(await recordStatusChange(alone.deps, candidate(a), now).then(kindOf, refusedKind));
          expect(results).toEqual(expected);
        }
        expect(await rowsOf(batched, orders)).toEqual(await rowsOf(oneByOne, orders));
        expect(await latestOf(batched, orders)).toEqual(await latestOf(oneByOne, orders));
        expect(together.counts).toEqual(alone.counts);
      }),
      { numRuns: 40 },
    );
  });

  it('records each event of a batch holding several copies of one event exactly once, and again nothing when the batch comes again', async () => {
    const { deps, counts } = depsOf(batched);
    const orderId = nextOrderId++;
    const copied: StatusChangeCandidate = {
      eventId: randomUUID(),
      orderId,
      userId: 1,
      status: 'AWAITING_PAYMENT',
      occurredAt: new Date(),
      version: 1,
    };
    const others: StatusChangeCandidate[] = [2, 3].map((version) => ({ ...copied, eventId: randomUUID(), status: 'PAYED', version }));
    const batch = [copied, { ...copied }, others[0]!, { ...copied, eventId: copied.eventId.toUpperCase() }, others[1]!];
    expect(await recordStatusChanges(deps, batch, new Date())).toEqual(['recorded', 'duplicate', 'recorded', 'duplicate', 'recorded']);
    expect(await recordStatusChanges(deps, batch, new Date())).toEqual(Array(5).fill('duplicate'));
    expect((await rowsOf(batched, [orderId])).map((r) => r.event_id)).toEqual([copied, ...others].map((e) => e.eventId));
    expect(counts).toMatchObject({ recorded: 3, deduplicated: 7 });
  });
});

describe('the consumer in batches', () => {
  const logger = createLogger('notifications', 'silent');

  function startConsumer(
    topic: string,
    recordBatch: (c: StatusChangeCandidate[]) => Promise<RecordResult[]>,
    fatal: Error[],
    sizes: number[],
    rejoin?: StatusConsumerOptions['rejoin'],
  ) {
    const kafka = createKafka({ clientId: `${topic}-test`, brokers: broker.brokers, logger });
    return startStatusConsumer({
      kafka,
      groupId: `${topic}-group`,
      topic,
      sessionTimeoutMs: 6_000,
      fetchMaxWaitMs: 100,
      recordBatch,
      maxRecordBatch: 100,
      onBatch: (n) => sizes.push(n),
      deadLetters: createDeadLetters(kafka, { timeoutMs: 5_000 }),
      onDeadLetter: () => undefined,
      rejoin,
      onFatal: (err) => fatal.push(err),
      logger,
    });
  }

  async function committedOffset(topic: string): Promise<string | undefined> {
    const admin = testKafka(broker.brokers).admin();
    await admin.connect();
    try {
      return (await admin.fetchOffsets({ groupId: `${topic}-group`, topics: [topic] }))[0]?.partitions.find((p) => p.partition === 0)
        ?.offset;
    } finally {
      await admin.disconnect();
    }
  }

  it('dead-letters the poison messages of a batch and records every other message of it', async () => {
    const topic = 'batch-poison.order-status';
    const deadLetters: TopicCollector = await collectTopic(broker.brokers, `${topic}.dlq`);
    const userId = uniqueUserId();
    const good = [1, 2, 3].map((i) => statusEvent({ orderId: 20_000 + i, userId, status: 'PAYED', version: 1 }));
    const withNul = messageOf(statusEvent({ orderId: 20_010, userId, status: 'PAYED', version: 1 }));
    withNul.headers = { ...withNul.headers, traceparent: 'nul\u0000' };
    const invalid = { ...messageOf(statusEvent({ orderId: 20_011, userId, status: 'PAYED', version: 1 })) };
    invalid.value = String(invalid.value).replace(/"orderId":"?\d+"?/, '"orderId":"0"');
    await producer.send({
      topic,
      messages: [
        messageOf(good[0]!),
        { key: '1', value: 'not json' },
        messageOf(good[1]!),
        invalid,
        withNul,
        messageOf(good[0]!),
        messageOf(good[2]!),
      ].map((m) => ({ ...m, partition: 0 })),
    });
    const fatal: Error[] = [];
    const sizes: number[] = [];
    const { deps } = depsOf(batched);
    const consumer: StatusConsumer = startConsumer(topic, (c) => recordStatusChanges(deps, c, new Date()), fatal, sizes);
    try {
      await deadLetters.waitFor('three dead letters', (all) => all.length >= 3);
      await eventually(
        'the batch committed',
        () => committedOffset(topic),
        (offset) => offset === '7',
      );
      expect(sizes[0]).toBe(7);
      // Keyed by their orders, the dead letters land on different partitions of the dead-letter topic.
      const letters = [...deadLetters.messages].sort(
        (a, b) => Number(a.headers['dlq-original-offset']) - Number(b.headers['dlq-original-offset']),
      );
      expect(letters.map((m) => m.headers['dlq-original-offset'])).toEqual(['1', '3', '4']);
      expect(letters.map((m) => m.headers.error)).toEqual([
        expect.stringMatching(/not JSON/),
        expect.stringMatching(/^order_id: must be an integer greater than 0/),
        expect.stringMatching(/database refused it: .*0x00 \(SQLSTATE 22021\)/),
      ]);
      const rows = await rowsOf(batched, [20_001, 20_002, 20_003, 20_010, 20_011]);
      expect(rows.map((r) => r.event_id)).toEqual(good.map((e) => e.eventId));
      expect(fatal).toEqual([]);
    } finally {
      await consumer.stop();
      await deadLetters.stop();
    }
  });

  it('records a batch exactly once when it comes again after a crash between its commit and its offsets', async () => {
    const topic = 'batch-crash.order-status';
    const userId = uniqueUserId();
    const events = Array.from({ length: 12 }, (_, i) =>
      statusEvent({ orderId: 30_000 + (i % 4), userId, status: i < 4 ? 'AWAITING_PAYMENT' : 'PAYED' }),
    );
    await producer.send({ topic, messages: events.map((e) => ({ ...messageOf(e), partition: 0 })) });
    const { deps, counts } = depsOf(batched);
    const fatal: Error[] = [];
    const sizes: number[] = [];
    // The database has the batch, then the process dies before a single offset is resolved (kafkajs stops for good
    // on a TypeError, and no new member is tried).
    const crashing = startConsumer(
      topic,
      async (c) => {
        await recordStatusChanges(deps, c, new Date());
        throw new TypeError('killed after the commit');
      },
      fatal,
      sizes,
      { attempts: 0, firstDelayMs: 0, stableAfterMs: 0 },
    );
    await eventually(
      'the crash',
      async () => fatal.length,
      (n) => n > 0,
    );
    await crashing.stop();
    expect(counts.recorded).toBe(events.length);
    expect(await committedOffset(topic)).not.toBe('12');

    const results: RecordResult[] = [];
    const again = startConsumer(
      topic,
      async (c) => {
        const r = await recordStatusChanges(deps, c, new Date());
        results.push(...r);
        return r;
      },
      [],
      sizes,
    );
    try {
      await eventually(
        'the batch committed',
        () => committedOffset(topic),
        (offset) => offset === '12',
      );
      expect(results).toEqual(Array(events.length).fill('duplicate'));
      const rows = await rowsOf(batched, [30_000, 30_001, 30_002, 30_003]);
      expect([...rows.map((r) => r.event_id)].sort()).toEqual(events.map((e) => e.eventId).sort());
      expect(counts).toMatchObject({ recorded: events.length, deduplicated: events.length });
    } finally {
      await again.stop();
    }
  });
});
