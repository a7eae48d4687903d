// Publishes a message Notifications cannot use to `<topic>.dlq`, unchanged, with the reason in header `error`.
import { Partitioners, type IHeaders, type Kafka, type KafkaMessage, type Message } from 'kafkajs';

export interface DeadLetters {
  /** Resolves once the broker has the dead letter; rejects so that the original is retried rather than lost. */
  publish(source: { topic: string; partition: number; message: KafkaMessage }, reason: string): Promise<void>;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
}

export const deadLetterTopicOf = (topic: string) => `${topic}.dlq`;

const maxReasonChars = 1_000;
/** Broker error types of a message over its size limit: sending it again cannot succeed. */
const tooLarge = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

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
      const origin: IHeaders = {
        error: reason.length > maxReasonChars ? `${reason.slice(0, maxReasonChars)}…` : reason,
        'dlq-original-topic': topic,
        'dlq-original-partition': String(partition),
        'dlq-original-offset': message.offset,
      };
      const send = (deadLetter: Message) =>
        producer.send({ topic: deadLetterTopicOf(topic), acks: -1, timeout: options.timeoutMs, messages: [deadLetter] });
      try {
        await send({
          key: message.key,
          value: message.value,
          headers: { ...withoutUndefined(message.headers ?? {}), ...origin },
          timestamp: message.timestamp,
        });
      } catch (err) {
        if (!isTooLarge(err)) throw err;
        // The original with our headers is over the broker's limit: the dead letter points at it instead of
        // carrying it (it stays readable at its offset until the topic's retention removes it).
        const size = (message.value?.length ?? 0) + headerBytes(message.headers);
        await send({
          key: message.key,
          value: null,
          headers: { ...origin, 'dlq-original-omitted': `${size} bytes` },
          timestamp: message.timestamp,
        });
      }
    },
  };
}

function withoutUndefined(headers: IHeaders): IHeaders {
  return Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined));
}

function headerBytes(headers: IHeaders | undefined): number {
  return Object.entries(headers ?? {}).reduce((sum, [name, value]) => {
    const values = Array.isArray(value) ? value : [value];
    return sum + name.length + values.reduce((n, v) => n + (v === undefined ? 0 : Buffer.byteLength(v)), 0);
  }, 0);
}

/** kafkajs wraps the broker's error (which has the `type`) in its retry errors' `cause`. */
function isTooLarge(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (tooLarge.has(String((e as { type?: unknown }).type))) return true;
  }
  return false;
}
