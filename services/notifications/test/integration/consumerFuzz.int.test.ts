// Consumer fuzz on the real broker and database: generated streams of valid events, in every encoding the contract
// allows, interleaved with messages that are not (random bytes, broken fields, odd headers, NUL bytes, 1 MB values)
// and with redeliveries. Every valid event is recorded once and in order per order, every bad message is in the
// dead-letter topic with its reason, and the consumer never stops.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Message, Producer } from 'kafkajs';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { collectTopic, eventually, freshDatabase, type TopicCollector } from '@shop/testkit';
import { encode, encodingArb, mutationArb, type Encoding, type Event, type Mutation, type Status } from './fuzzMessages';
import { connectProducer, testKafka, uniqueUserId } from './statusEvents';
import { startTestNotifications, type TestNotifications } from './testService';

const topic = 'loms.order-status';
const partitions = 4;
const runs = 20;
let broker: KafkaBroker;
let producer: Producer;
let service: TestNotifications;
let deadLetters: TopicCollector;
let pool: Pool;
const fatal: Error[] = [];
const totals = { messages: 0, valid: 0, deadLettered: 0, duplicates: 0, rejectedByDatabase: 0, megabyteValues: 0 };

beforeAll(async () => {
  broker = await startKafkaBroker();
  const databaseUrl = await freshDatabase('notifications');
  pool = new Pool({ connectionString: databaseUrl, max: 2 });
  producer = await connectProducer(testKafka(broker.brokers));
  service = await startTestNotifications(
    { NOTIFICATIONS_DATABASE_URL: databaseUrl, KAFKA_BROKERS: broker.brokers.join(','), ORDER_STATUS_TOPIC: topic },
    { onFatal: (err) => fatal.push(err) },
  );
  deadLetters = await collectTopic(broker.brokers, `${topic}.dlq`);
});

afterAll(async () => {
  console.info(
    `consumer fuzz: ${runs} runs, ${totals.messages} messages: ${totals.valid} valid, ${totals.duplicates} redelivered, ` +
      `${totals.deadLettered} dead-lettered (${((100 * totals.deadLettered) / Math.max(totals.messages, 1)).toFixed(1)} %, ` +
      `${totals.rejectedByDatabase} refused by the database), ${totals.megabyteValues} values of 1 MB`,
  );
  await deadLetters?.stop();
  await service?.stop();
  await producer?.disconnect();
  await pool?.end();
  await broker?.stop();
});

type Planned =
  | { kind: 'valid'; event: Event; message: Message }
  | { kind: 'duplicate'; message: Message }
  | { kind: 'dead'; mutation: Mutation; message: Message };

interface OrderPlan {
  statuses: Status[];
  encodings: Encoding[];
}
const orderPlanArb: fc.Arbitrary<OrderPlan> = fc.integer({ min: 1, max: 4 }).chain((n) =>
  fc.record({
    statuses: fc.array(fc.constantFrom<Status>('AWAITING_PAYMENT', 'FAILED', 'PAYED', 'CANCELLED'), { minLength: n, maxLength: n }),
    encodings: fc.array(encodingArb, { minLength: n, maxLength: n }),
  }),
);
const scenarioArb = fc.record({
  orders: fc.array(orderPlanArb, { minLength: 40, maxLength: 60 }),
  bad: fc.array(fc.record({ order: fc.nat(), at: fc.nat(), mutation: mutationArb, encoding: encodingArb }), {
    minLength: 100,
    maxLength: 150,
  }),
  duplicates: fc.array(fc.record({ order: fc.nat(), event: fc.nat(), after: fc.nat() }), { maxLength: 30 }),
  interleaving: fc.array(fc.nat(), { minLength: 300, maxLength: 300 }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;
let nextOrderId = 7_000_000;

/** Lays the scenario out as messages: each order's valid events in version order, the rest anywhere on its partition. */
function plan(scenario: Scenario, withMegabytes: boolean): Planned[] {
  const userId = uniqueUserId();
  const orders = scenario.orders.map((order) => {
    const orderId = nextOrderId++;
    return order.statuses.map((status, i): Planned => {
      const event: Event = { eventId: randomUUID(), orderId, userId, status, occurredAt: new Date(), version: i + 1 };
      const { json, headers } = encode(event, order.encodings[i] as Encoding);
      return {
        kind: 'valid',
        event,
        message: { key: String(orderId), partition: orderId % partitions, value: JSON.stringify(json), headers },
      };
    });
  });
  // Interleave the orders' queues, keeping each one's order.
  const queues = orders.map((events) => [...events]);
  const planned: Planned[] = [];
  for (let step = 0; queues.some((q) => q.length > 0); step++) {
    const open = queues.filter((q) => q.length > 0);
    planned.push(open[(scenario.interleaving[step % scenario.interleaving.length] ?? 0) % open.length]!.shift()!);
  }
  for (const dup of scenario.duplicates) {
    const events = orders[dup.order % orders.length]!;
    const original = events[dup.event % events.length]!;
    const from = planned.indexOf(original) + 1;
    planned.splice(from + (dup.after % (planned.length - from + 1)), 0, { kind: 'duplicate', message: { ...original.message } });
  }
  for (const bad of scenario.bad) {
    const template = orders[bad.order % orders.length]![0] as Extract<Planned, { kind: 'valid' }>;
    // A bad message is a fresh event of the same order, written plainly, then broken in one way.
    const event = { ...template.event, eventId: randomUUID() };
    const { json, headers } = encode(event, { ...bad.encoding, snakeCase: false, cloudEvents: false });
    const wire = bad.mutation.apply(json, headers);
    const message = { key: String(event.orderId), partition: event.orderId % partitions, value: wire.value, headers: wire.headers };
    planned.splice(bad.at % (planned.length + 1), 0, { kind: 'dead', mutation: bad.mutation, message });
  }
  if (withMegabytes) {
    const template = orders[0]![0] as Extract<Planned, { kind: 'valid' }>;
    const orderId = nextOrderId++;
    const big: Event = { ...template.event, eventId: randomUUID(), orderId, version: 1 };
    const { json, headers } = encode(big, { ...plainEncoding, unknownField: 'x'.repeat(1_000_000) });
    planned.push({
      kind: 'valid',
      event: big,
      message: { key: String(orderId), partition: orderId % partitions, value: JSON.stringify(json), headers },
    });
    const hugeId = { ...json, eventId: 'y'.repeat(1_000_000) };
    const mutation: Mutation = { name: '1 MB event_id', reason: /^event_id: must be a UUID/, apply: () => ({ value: null, headers: {} }) };
    planned.push({
      kind: 'dead',
      mutation,
      message: {
        key: String(orderId),
        partition: orderId % partitions,
        value: JSON.stringify(hugeId),
        headers: { 'event-type': 'order.status_changed' },
      },
    });
  }
  return planned;
}

const plainEncoding: Encoding = {
  snakeCase: false,
  idsAsStrings: false,
  upperCaseId: false,
  statusAsNumber: false,
  time: 'millis',
  items: 'some',
  unknownField: undefined,
  eventTypeHeader: true,
  traceparent: 'w3c',
  oddTraceparent: '',
  cloudEvents: true,
  unknownHeader: undefined,
};

/** Publishes in batches; returns where each message landed (`partition:offset`). */
async function publish(messages: Message[]): Promise<string[]> {
  const positions: string[] = [];
  // A value near 1 MB goes alone: one produce request stays under the broker's size limit.
  const batches: Message[][] = [];
  for (const m of messages) {
    const large = (m.value?.length ?? 0) > 100_000;
    const last = batches[batches.length - 1];
    if (!large && last && last.length < 200 && !last.some((x) => (x.value?.length ?? 0) > 100_000)) last.push(m);
    else batches.push([m]);
  }
  for (const batch of batches) {
    const metadata = await producer.send({ topic, acks: -1, messages: batch });
    const next = new Map(metadata.map((r) => [r.partition, BigInt(r.baseOffset ?? '0')]));
    for (const m of batch) {
      const offset = next.get(m.partition as number) ?? 0n;
      next.set(m.partition as number, offset + 1n);
      positions.push(`${m.partition}:${offset}`);
    }
  }
  return positions;
}

const handled = async () =>
  (
    await Promise.all(
      [
        'notifications_recorded_total',
        'notifications_deduplicated_total',
        'notifications_superseded_total',
        'notifications_dead_lettered_total{kind="unreadable"}',
        'notifications_dead_lettered_total{kind="invalid"}',
        'notifications_dead_lettered_total{kind="rejected"}',
      ].map((m) => service.metric(m)),
    )
  ).reduce((a, b) => a + b, 0);

describe('the order status consumer under fuzzed input', () => {
  it('records every valid event once and in order per order, dead-letters every bad one with its reason, and never stops', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (scenario) => {
        const planned = plan(scenario, run++ === 0);
        const handledBefore = await handled();
        const rejectedBefore = await service.metric('notifications_dead_lettered_total{kind="rejected"}');
        const positions = await publish(planned.map((p) => p.message));
        await eventually(`the ${planned.length} messages handled`, handled, (n) => n >= handledBefore + planned.length, 40_000);

        const valid = planned.filter((p): p is Extract<Planned, { kind: 'valid' }> => p.kind === 'valid');
        const orderIds = [...new Set(valid.map((p) => p.event.orderId))];
        const { rows } = await pool.query<{ order_id: string; event_id: string; version: string; superseded: boolean }>(
          'SELECT order_id, event_id, version, superseded FROM notifications WHERE order_id = ANY($1::bigint[]) ORDER BY seq',
          [orderIds],
        );
        const recorded = rows.map((r) => `${r.order_id}/${r.version}/${r.event_id}`);
        const expected = orderIds.flatMap((id) =>
          valid.filter((p) => p.event.orderId === id).map((p) => `${id}/${p.event.version}/${p.event.eventId}`),
        );
        // Every valid event once; per order in version order (rows are in the order they were stored).
        expect([...recorded].sort()).toEqual([...expected].sort());
        for (const id of orderIds) {
          const versions = rows.filter((r) => Number(r.order_id) === id).map((r) => Number(r.version));
          expect(versions).toEqual(versions.map((_, i) => i + 1));
        }
        expect(rows.filter((r) => r.superseded)).toEqual([]);

        const dead = planned.flatMap((p, i) => (p.kind === 'dead' ? [{ mutation: p.mutation, at: positions[i] }] : []));
        await deadLetters.waitFor('every dead letter of the run', () => dead.every((d) => dlqAt(d.at).length > 0), 30_000);
        for (const d of dead) {
          const letters = dlqAt(d.at);
          expect(letters, `${d.mutation.name} at ${d.at}`).toHaveLength(1);
          expect(letters[0]?.headers.error, d.mutation.name).toMatch(d.mutation.reason);
        }
        const notDead = planned.flatMap((p, i) => (p.kind === 'dead' ? [] : [positions[i]]));
        expect(notDead.filter((at) => dlqAt(at).length > 0)).toEqual([]);
        const rejected = dead.filter((d) => d.mutation.rejectedByDatabase).length;
        expect(await service.metric('notifications_dead_lettered_total{kind="rejected"}')).toBe(rejectedBefore + rejected);
        expect(fatal).toEqual([]);
        expect(await service.metric('notifications_consumer_members_replaced_total')).toBe(0);

        totals.messages += planned.length;
        totals.valid += valid.length;
        totals.deadLettered += dead.length;
        totals.duplicates += planned.filter((p) => p.kind === 'duplicate').length;
        totals.rejectedByDatabase += rejected;
        totals.megabyteValues += planned.filter((p) => (p.message.value?.length ?? 0) >= 1_000_000).length;
      }),
      {
        numRuns: runs,
        ...(process.env.FUZZ_SEED ? { seed: Number(process.env.FUZZ_SEED) } : {}),
        // Each run is a stream on the real broker: no shrinking (it would replay streams for minutes), and the
        // counterexample (megabytes of scenario) stays out of the report; the seed replays it.
        endOnFailure: true,
        asyncReporter: async (details) => {
          if (details.failed)
            throw new Error(`fuzz failed at seed ${details.seed} (FUZZ_SEED=<seed> replays it): ${String(details.errorInstance)}`);
        },
      },
    );
    expect(await service.readyz()).toBe(200);
    expect(fatal).toEqual([]);
    expect(await service.metric('notifications_consumer_members_replaced_total')).toBe(0);
  }, 120_000);
});

function dlqAt(position: string | undefined) {
  const [partition, offset] = (position ?? ':').split(':');
  return deadLetters.messages.filter(
    (m) =>
      m.headers['dlq-original-topic'] === topic &&
      m.headers['dlq-original-partition'] === partition &&
      m.headers['dlq-original-offset'] === offset,
  );
}
