// Publishes a message Notifications cannot use to `<topic>.dlq`, unchanged, with the reason in header `error`.
import { Partitioners, type IHeaders, type Kafka, type KafkaMessage } from 'kafkajs';

export interface DeadLetters {
  /** Resolves once the broker has the dead letter; rejects so that the original is retried rather than lost. */
  publish(source: { topic: string; partition: number; message: KafkaMessage }, reason: string): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export const deadLetterTopicOf = (topic: string) => `${topic}.dlq`;

export function createDeadLetters(kafka: Kafka, options: { timeoutMs: number }): DeadLetters {
  const producer = kafka.producer({
    allowAutoTopicCreation: true,
    // The idempotent producer needs a cluster controller, which not every broker we run against has.
    idempotent: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  return {
    connect: () => producer.connect(),
    disconnect: () => producer.disconnect(),
    publish: async ({ topic, partition, message }, reason) => {
      const headers: IHeaders = {
        ...withoutUndefined(message.headers ?? {}),
        error: reason,
        'dlq-original-topic': topic,
        'dlq-original-partition': String(partition),
        'dlq-original-offset': message.offset,
      };
      await producer.send({
        topic: deadLetterTopicOf(topic),
        acks: -1,
        timeout: options.timeoutMs,
        messages: [{ key: message.key, value: message.value, headers, timestamp: message.timestamp }],
      });
    },
  };
}

function withoutUndefined(headers: IHeaders): IHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
}
