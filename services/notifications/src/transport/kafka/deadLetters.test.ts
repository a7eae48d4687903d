import type { Kafka, KafkaMessage, Message, ProducerRecord } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createDeadLetters } from './deadLetters';

/** A producer that throws the given errors on its first sends, one each, and records every send. */
function fakeKafka(errors: unknown[]) {
  const sent: ProducerRecord[] = [];
  const kafka = {
    producer: () => ({
      connect: async () => undefined,
      disconnect: async () => undefined,
      send: async (record: ProducerRecord) => {
        sent.push(record);
        const error = errors.shift();
        if (error) throw error;
        return [];
      },
    }),
  } as unknown as Kafka;
  return { kafka, sent };
}

const original = {
  topic: 'loms.order-status',
  partition: 2,
  message: {
    key: Buffer.from('42'),
    value: Buffer.alloc(1_000, 'x'),
    headers: { traceparent: Buffer.from('00-tp-01') },
    offset: '17',
    timestamp: '1700000000000',
    attributes: 0,
  } satisfies KafkaMessage,
};
const headersOf = (m: Message | undefined) => Object.fromEntries(Object.entries(m?.headers ?? {}).map(([k, v]) => [k, String(v)]));

describe('createDeadLetters', () => {
  it('sends the original unchanged with the reason and where it came from', async () => {
    const { kafka, sent } = fakeKafka([]);
    await createDeadLetters(kafka, { timeoutMs: 1_000 }).publish(original, 'value is not JSON');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ topic: 'loms.order-status.dlq', acks: -1 });
    const [letter] = sent[0]?.messages ?? [];
    expect(letter?.value).toEqual(original.message.value);
    expect(headersOf(letter)).toEqual({
      traceparent: '00-tp-01',
      error: 'value is not JSON',
      'dlq-original-topic': 'loms.order-status',
      'dlq-original-partition': '2',
      'dlq-original-offset': '17',
    });
  });

  it('keeps the reason header short, however long the reason', async () => {
    const { kafka, sent } = fakeKafka([]);
    await createDeadLetters(kafka, { timeoutMs: 1_000 }).publish(original, 'r'.repeat(100_000));
    expect(headersOf(sent[0]?.messages[0]).error?.length).toBeLessThanOrEqual(1_001);
  });

  it('points at an original the broker finds too large instead of carrying it', async () => {
    // As kafkajs throws it: the broker's error, with its type, as the cause of a retry error.
    const tooLarge = Object.assign(new Error('retries exhausted'), {
      name: 'KafkaJSNonRetriableError',
      cause: Object.assign(new Error('The request included a message larger than the max message size the server will accept'), {
        type: 'MESSAGE_TOO_LARGE',
      }),
    });
    const { kafka, sent } = fakeKafka([tooLarge]);
    await createDeadLetters(kafka, { timeoutMs: 1_000 }).publish(original, 'event_id: must be a UUID');
    expect(sent).toHaveLength(2);
    const letter = sent[1]?.messages[0];
    expect(letter?.value).toBeNull();
    expect(headersOf(letter)).toEqual({
      error: 'event_id: must be a UUID',
      'dlq-original-topic': 'loms.order-status',
      'dlq-original-partition': '2',
      'dlq-original-offset': '17',
      'dlq-original-omitted': '1019 bytes',
    });
  });

  it('rejects on any other failure, so that the original is handled again rather than lost', async () => {
    const { kafka } = fakeKafka([new Error('broker down')]);
    await expect(createDeadLetters(kafka, { timeoutMs: 1_000 }).publish(original, 'x')).rejects.toThrow('broker down');
  });
});
