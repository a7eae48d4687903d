import { randomUUID } from 'node:crypto';

import { Kafka, logLevel, type KafkaMessage, type Producer } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';

import { startKafkaBroker, type KafkaBroker } from './kafkaBroker';

const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  // Clients first, broker last (registration order reversed).
  for (const cleanup of cleanups.splice(0).reverse()) {
    await cleanup().catch(() => undefined);
  }
});

async function startBroker(): Promise<KafkaBroker> {
  const broker = await startKafkaBroker();
  cleanups.push(() => broker.stop());
  return broker;
}

function client(broker: KafkaBroker): Kafka {
  return new Kafka({
    clientId: 'kafka-broker-test',
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1_000,
    // Small retry budget so a send against a downed broker (connection refused) fails fast.
    // requestTimeout stays at its default: after an outage the mock holds SyncGroup until the
    // vanished old member times out, and a short requestTimeout turns that into a crash loop.
    retry: { retries: 1, initialRetryTime: 100, maxRetryTime: 200 },
  });
}

async function connectProducer(kafka: Kafka): Promise<Producer> {
  const producer = kafka.producer({ allowAutoTopicCreation: true, idempotent: false });
  cleanups.push(() => producer.disconnect());
  await producer.connect();
  return producer;
}

/** Starts a consumer group member (fresh group); returns the array it appends each message to. */
async function startConsumer(kafka: Kafka, topic: string): Promise<KafkaMessage[]> {
  const consumer = kafka.consumer({
    groupId: `group-${randomUUID()}`,
    // The mock drops a vanished member only after sessionTimeout, and a rejoin waits for that:
    // a short session keeps recovery after an outage at ~5 s. Short fetch waits keep disconnect fast.
    // (Leave rebalanceTimeout at its default: kafkajs uses it as the JoinGroup request timeout.)
    heartbeatInterval: 300,
    sessionTimeout: 3_000,
    maxWaitTimeInMs: 200,
    // The consumer crashes while the broker is down; let it keep restarting.
    retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 500 },
  });
  cleanups.push(() => consumer.disconnect());
  const received: KafkaMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(message);
    },
  });
  return received;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const text = (m: KafkaMessage): string => m.value?.toString() ?? '';

describe('kafka mock broker', () => {
  it('delivers a produced message to a consumer group reading from the beginning with key, value and headers intact', async () => {
    const broker = await startBroker();
    expect(broker.brokers.length).toBe(1);
    const kafka = client(broker);
    const topic = `orders-${randomUUID()}`;

    const producer = await connectProducer(kafka);
    await producer.send({
      topic,
      messages: [{ key: 'order-42', value: '{"status":"paid"}', headers: { 'trace-id': 'abc-123' } }],
    });

    const received = await startConsumer(kafka, topic);
    await waitFor('the produced message', () => received.length >= 1);

    const [message] = received;
    expect(message?.key?.toString()).toBe('order-42');
    expect(message?.value?.toString()).toBe('{"status":"paid"}');
    expect(message?.headers?.['trace-id']?.toString()).toBe('abc-123');
  }, 15_000);

  it('rejects sends while the broker is down and delivers messages sent after it comes back up', async () => {
    const broker = await startBroker();
    const kafka = client(broker);
    const topic = `outage-${randomUUID()}`;
    const producer = await connectProducer(kafka);
    await producer.send({ topic, messages: [{ key: 'k', value: 'before' }] });

    const received = await startConsumer(kafka, topic);
    await waitFor('the message sent before the outage', () => received.some((m) => text(m) === 'before'));

    await broker.setDown();
    await expect(producer.send({ topic, messages: [{ key: 'k', value: 'during' }] })).rejects.toThrow();

    await broker.setUp();
    await producer.send({
      topic,
      messages: [
        { key: 'k', value: 'after-1' },
        { key: 'k', value: 'after-2' },
      ],
    });

    const afterRecovery = (): string[] => received.map(text).filter((v) => v.startsWith('after'));
    await waitFor('the messages sent after recovery', () => afterRecovery().length >= 2, 12_000);
    // At-least-once delivery: duplicates are allowed, order within a partition must hold.
    expect([...new Set(afterRecovery())]).toEqual(['after-1', 'after-2']);
    expect(received.map(text)).not.toContain('during');
  }, 20_000);
});
