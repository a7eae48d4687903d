import { createKafka, createLogger } from '@shop/platform';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startKafkaBroker, type KafkaBroker } from '../../../../packages/testkit/src/kafkaBroker';
import { startStatusConsumer } from '../../src/transport/kafka/consumer';
import { createDeadLetters } from '../../src/transport/kafka/deadLetters';
import { connectProducer, messageOf, statusEvent, testKafka } from './statusEvents';
import { eventually } from './testService';

let broker: KafkaBroker;

beforeAll(async () => {
  broker = await startKafkaBroker();
});

afterAll(async () => {
  await broker?.stop();
});

describe('the order status consumer', () => {
  it('reports a crash that kafkajs will not restart from, instead of stopping silently', async () => {
    const logger = createLogger('notifications', 'silent');
    const kafka = createKafka({ clientId: 'crash-test', brokers: broker.brokers, logger });
    const fatal: Error[] = [];
    const consumer = startStatusConsumer({
      kafka,
      groupId: 'crash-test',
      topic: 'crash.order-status',
      sessionTimeoutMs: 6_000,
      fetchMaxWaitMs: 100,
      // A bug in our own code: kafkajs treats a TypeError as unrecoverable.
      record: async () => {
        throw new TypeError('cannot read properties of undefined');
      },
      deadLetters: createDeadLetters(kafka, { timeoutMs: 5_000 }),
      onDeadLetter: () => undefined,
      onFatal: (err) => fatal.push(err),
      logger,
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
      expect(consumer.isJoined()).toBe(false);
    } finally {
      await producer.disconnect();
      await consumer.stop();
    }
  });
});
