// Consumes order status events in a consumer group: each message is recorded (or dead-lettered) before its offset is committed.
import { withTimeout, type Logger } from '@shop/platform';
import type { Kafka, KafkaMessage } from 'kafkajs';
import { RejectedByStorageError } from '../../app/ports';
import type { RecordOutcome } from '../../app/recordStatusChange';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../../domain/statusChange';
import type { DeadLetterKind } from '../../observability/metrics';
import type { DeadLetters } from './deadLetters';
import { readStatusChange, UnreadableMessageError } from './readStatusChange';

export interface StatusConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** How long the group waits for a silent member before giving its partitions to others. */
  sessionTimeoutMs: number;
  /** Longest a fetch waits for new messages: bounds the delivery latency on a quiet topic. */
  fetchMaxWaitMs: number;
  record: (candidate: StatusChangeCandidate) => Promise<RecordOutcome>;
  deadLetters: DeadLetters;
  onDeadLetter: (kind: DeadLetterKind) => void;
  /** Messages behind the end of a partition, after each batch. */
  onLag?: (partition: number, messages: number) => void;
  /** The consumer stopped for good (kafkajs will not restart it): the process should exit and be restarted. */
  onFatal: (err: Error) => void;
  logger: Logger;
}

export interface StatusConsumer {
  /** True while the consumer is a member of its group. */
  isJoined(): boolean;
  stop(): Promise<void>;
}

export function startStatusConsumer(options: StatusConsumerOptions): StatusConsumer {
  const { logger } = options;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: true,
    sessionTimeout: options.sessionTimeoutMs,
    heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
    // A short long-poll keeps shutdown quick (disconnect waits for the fetch under way) and, on brokers
    // that answer a fetch only when the wait is over, keeps latency low.
    maxWaitTimeInMs: options.fetchMaxWaitMs,
  });
  let joined = false;
  let stopping = false;
  const fatal = (err: Error) => {
    if (stopping) return;
    logger.fatal({ err }, 'order status consumer stopped for good');
    options.onFatal(err);
  };

  consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
    joined = true;
    logger.info({ group: payload.groupId, partitions: payload.memberAssignment }, 'joined consumer group');
  });
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    joined = false;
    if (payload.restart) logger.warn({ err: payload.error.message }, 'order status consumer crashed; kafkajs restarts it');
    else fatal(payload.error);
  });
  consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
    options.onLag?.(payload.partition, Number(payload.offsetLag));
  });
  consumer.on(consumer.events.STOP, () => {
    joined = false;
  });

  const handle = async (topic: string, partition: number, message: KafkaMessage) => {
    const deadLetter = async (kind: DeadLetterKind, reason: string) => {
      try {
        await options.deadLetters.publish({ topic, partition, message }, reason);
      } catch (err) {
        // kafkajs gives up on a handler error it calls non-retriable (and the process exits): the dead-letter topic
        // being unwritable for a while is not that, the message is handled again once it is.
        throw new DeadLetterNotWrittenError(err);
      }
      options.onDeadLetter(kind);
      logger.warn({ topic, partition, offset: message.offset, reason }, 'message sent to the dead-letter topic');
    };
    let candidate: StatusChangeCandidate;
    try {
      candidate = readStatusChange(message);
    } catch (err) {
      if (err instanceof UnreadableMessageError) return deadLetter('unreadable', err.message);
      throw err;
    }
    try {
      const outcome = await options.record(candidate);
      logger.debug({ event_id: candidate.eventId, order_id: candidate.orderId, outcome }, 'order status event handled');
    } catch (err) {
      if (err instanceof InvalidStatusChangeError) return deadLetter('invalid', err.message);
      if (err instanceof RejectedByStorageError)
        return deadLetter('rejected', `the database refused it: ${err.message} (SQLSTATE ${err.sqlState})`);
      // Anything else (the database is down) propagates: kafkajs does not commit this offset and fetches the message again.
      throw err;
    }
  };

  const running = (async () => {
    await options.deadLetters.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      // Partitions in parallel; within one (so within one order) messages stay in order.
      partitionsConsumedConcurrently: 4,
      // kafkajs resolves a message's offset only after eachMessage resolves and commits resolved offsets after each batch.
      eachMessage: ({ topic, partition, message }) => handle(topic, partition, message),
    });
  })().catch((err: unknown) => fatal(err instanceof Error ? err : new Error(String(err))));

  return {
    isJoined: () => joined,
    stop: async () => {
      stopping = true;
      // With the broker gone kafkajs would retry for long: bounded, since what is not committed comes again.
      const disconnect = async () => {
        await running;
        await consumer.disconnect();
        await options.deadLetters.disconnect();
      };
      await withTimeout(disconnect(), 5_000, 'disconnecting from Kafka').catch((err: Error) =>
        logger.warn({ err: err.message }, 'gave up disconnecting'),
      );
      joined = false;
    },
  };
}

class DeadLetterNotWrittenError extends Error {
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`dead letter not written: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'DeadLetterNotWrittenError';
  }
}
