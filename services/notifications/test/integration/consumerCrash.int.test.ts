import { createKafka, createLogger } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KafkaBroker, startKafkaBroker } from '@shop/devstack';
import { eventually } from '@shop/testkit';
import { startStatusConsumer, type StatusConsumerOptions } from '../../src/transport/kafka/consumer';
import { createDeadLetters } from '../../src/transport/kafka/deadLetters';
import { connectProducer, messageOf, statusEvent, testKafka } from './statusEvents';

let broker: KafkaBroker;

beforeAll(async () => {
  broker = await startKafkaBroker();
});

afterAll(async () => {
  await broker?.stop();
});

/** A consumer of `name`'s group and topic that tries 2 new members, 100 ms apart, before it reports a fatal error. */
function rejoiningConsumer(name: string, recordBatch: StatusConsumerOptions['recordBatch']) {
  const logger = createLogger('notifications', 'silent');
  const kafka = createKafka({ clientId: name, brokers: broker.brokers, logger });
  const fatal: Error[] = [];
  const consumer = startStatusConsumer({
    kafka,
    groupId: name,
    topic: `${name}.order-status`,
    sessionTimeoutMs: 6_000,
    fetchMaxWaitMs: 100,
    recordBatch,
    maxRecordBatch: 100,
    deadLetters: createDeadLetters(kafka, { timeoutMs: 5_000 }),
    onDeadLetter: () => undefined,
    rejoin: { attempts: 2, firstDelayMs: 100, stableAfterMs: 60_000 },
    onFatal: (err) => fatal.push(err),
    logger,
  });
  return { consumer, fatal };
}

describe('the order status consumer', () => {
  it('replaces a member that kafkajs gave up on, and goes on from the uncommitted offset', async () => {
    const seen: number[] = [];
    // The first member meets an error kafkajs does not retry (a TypeError); the next one records.
    const { consumer, fatal } = rejoiningConsumer('rejoin', async (candidates) => {
      seen.push(...candidates.map((c) => c.orderId));
      if (seen.length === 1) throw new TypeError('cannot read properties of undefined');
      return candidates.map(() => 'recorded' as const);
    });
    const producer = await connectProducer(testKafka(broker.brokers));
    try {
      await producer.send({ topic: 'rejoin.order-status', messages: [messageOf(statusEvent({ orderId: 7, userId: 1, status: 'PAYED' }))] });
      await eventually(
        'the event handled again by a new member',
        async () => seen,
        (orders) => orders.length >= 2,
      );
      expect(seen.slice(0, 2)).toEqual([7, 7]);
      await eventually('the new member in the group', async () => consumer.isJoined(), Boolean);
      expect(fatal).toEqual([]);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });

  it('stops for good, and says so, once its new members keep failing', async () => {
    let attempts = 0;
    // A bug in our own code: kafkajs treats a TypeError as unrecoverable.
    const { consumer, fatal } = rejoiningConsumer('crash', async () => {
      attempts++;
      throw new TypeError('cannot read properties of undefined');
    });
    const producer = await connectProducer(testKafka(broker.brokers));
    try {
      await producer.send({ topic: 'crash.order-status', messages: [messageOf(statusEvent({ orderId: 1, userId: 1, status: 'PAYED' }))] });
      await eventually(
        'the fatal report',
        async () => fatal.length,
        (n) => n > 0,
      );
      expect(fatal[0]?.message).toMatch(/cannot read properties/);
      // The first member and the two that replaced it each tried the event once.
      expect(attempts).toBe(3);
      expect(consumer.isJoined()).toBe(false);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });

  it('handles a message again, without stopping, while the dead-letter topic refuses it', async () => {
    const logger = createLogger('notifications', 'silent');
    const kafka = createKafka({ clientId: 'dlq-down-test', brokers: broker.brokers, logger });
    const fatal: Error[] = [];
    const attempts: string[] = [];
    let refusalsLeft = 2;
    const consumer = startStatusConsumer({
      kafka,
      groupId: 'dlq-down-test',
      topic: 'dlq-down.order-status',
      sessionTimeoutMs: 6_000,
      fetchMaxWaitMs: 100,
      recordBatch: async (candidates) => candidates.map(() => 'recorded' as const),
      maxRecordBatch: 100,
      deadLetters: {
        connect: async () => undefined,
        disconnect: async () => undefined,
        // As kafkajs' producer fails when it gives up: an error marked not retriable.
        publish: async (source, reason) => {
          attempts.push(reason);
          if (refusalsLeft-- > 0)
            throw Object.assign(new Error('dead-letter topic unwritable'), { name: 'KafkaJSNonRetriableError', retriable: false });
        },
      },
      onDeadLetter: () => undefined,
      onFatal: (err) => fatal.push(err),
      logger,
    });
    const producer = await connectProducer(testKafka(broker.brokers));
    try {
      await producer.send({ topic: 'dlq-down.order-status', messages: [{ key: '1', value: 'not json' }] });
      await eventually(
        'the dead letter written on the third attempt',
        async () => attempts.length,
        (n) => n >= 3,
      );
      expect(attempts.every((reason) => /not JSON/.test(reason))).toBe(true);
      expect(fatal).toEqual([]);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });
});
