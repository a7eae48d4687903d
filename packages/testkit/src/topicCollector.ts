// Reads a topic from the beginning with a fresh consumer group and keeps every message, for assertions.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';

export interface CollectedMessage {
  partition: number;
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface TopicCollector {
  messages: CollectedMessage[];
  waitFor(what: string, done: (messages: CollectedMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export async function collectTopic(brokers: string[], topic: string): Promise<TopicCollector> {
  const kafka = new Kafka({ clientId: 'test-collector', brokers, logLevel: logLevel.NOTHING });
  // A short session lets the group recover quickly after a broker outage in a test.
  const consumer = kafka.consumer({
    groupId: `collector-${randomUUID()}`,
    allowAutoTopicCreation: true,
    sessionTimeout: 3_000,
    heartbeatInterval: 300,
    maxWaitTimeInMs: 200,
  });
  const messages: CollectedMessage[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ partition, message }) => {
      messages.push({
        partition,
        key: message.key?.toString() ?? '',
        value: message.value?.toString() ?? '',
        headers: stringHeaders(message),
      });
    },
  });
  return {
    messages,
    async waitFor(what, done, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      while (!done(messages)) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}; have ${messages.length} messages`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    stop: () => consumer.disconnect(),
  };
}

function stringHeaders(message: KafkaMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.isBuffer(v) ? v.toString() : String(v)]));
}
