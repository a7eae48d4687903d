// Consumes order status events in a consumer group a batch at a time (statusBatchHandler). A member that kafkajs
// gives up on (an error it does not retry, such as a coordinator refusing a SyncGroup) is replaced by a new one
// after a backoff, a bounded number of times in a row; only then does the consumer stop for good. Nothing is
// lost by a replacement: offsets are committed only after their events are recorded.
import { withTimeout, type Logger } from '@shop/platform';
import type { Consumer, Kafka } from 'kafkajs';
import { statusBatchHandler, type StatusBatchHandlerOptions } from './statusBatchHandler';

export interface StatusConsumerOptions extends StatusBatchHandlerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** How long the group waits for a silent member before giving its partitions to others. */
  sessionTimeoutMs: number;
  /** Longest a fetch waits for new messages: bounds the delivery latency on a quiet topic. */
  fetchMaxWaitMs: number;
  /** Messages behind the end of a partition, after each batch. */
  onLag?: (partition: number, messages: number) => void;
  /**
   * New members tried in a row before giving up, the delay doubling from the first. A member that stayed in the
   * group for `stableAfterMs` ends the row.
   */
  rejoin?: { attempts: number; firstDelayMs: number; stableAfterMs: number };
  /** A member kafkajs gave up on is being replaced by a new one. */
  onMemberReplaced?: (err: Error) => void;
  /** The consumer stopped for good: the process should exit and be restarted. */
  onFatal: (err: Error) => void;
  logger: Logger;
}

export interface StatusConsumer {
  /** True while the consumer is a member of its group. */
  isJoined(): boolean;
  stop(): Promise<void>;
}

const defaultRejoin = { attempts: 5, firstDelayMs: 1_000, stableAfterMs: 60_000 };
const longestRejoinDelayMs = 30_000;

export function startStatusConsumer(options: StatusConsumerOptions): StatusConsumer {
  const { logger } = options;
  const rejoin = options.rejoin ?? defaultRejoin;
  const handleBatch = statusBatchHandler(options);
  let member: { consumer: Consumer; running: Promise<void> } | undefined;
  let rejoinTimer: NodeJS.Timeout | undefined;
  let failedInARow = 0;
  let joinedAt: number | undefined;
  let joined = false;
  let stopping = false;

  /** Replaces `failed` if it is the current member and no replacement is under way: one report a member counts. */
  const replace = (failed: Consumer, err: Error) => {
    if (stopping || rejoinTimer !== undefined || member?.consumer !== failed) return;
    joined = false;
    if (joinedAt !== undefined && Date.now() - joinedAt >= rejoin.stableAfterMs) failedInARow = 0;
    joinedAt = undefined;
    if (failedInARow >= rejoin.attempts) {
      logger.fatal({ err }, 'order status consumer stopped for good');
      options.onFatal(err);
      return;
    }
    options.onMemberReplaced?.(err);
    const delayMs = Math.min(longestRejoinDelayMs, rejoin.firstDelayMs * 2 ** failedInARow++);
    logger.error(
      { err, delay_ms: delayMs, attempt: failedInARow },
      'order status consumer stopped; a new member joins the group after a pause',
    );
    rejoinTimer = setTimeout(() => {
      rejoinTimer = undefined;
      void member?.consumer.disconnect().catch(() => undefined);
      if (!stopping) member = join();
    }, delayMs);
  };

  const join = () => {
    const consumer = options.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: true,
      sessionTimeout: options.sessionTimeoutMs,
      heartbeatInterval: Math.min(3_000, Math.floor(options.sessionTimeoutMs / 3)),
      // A short long-poll keeps shutdown quick (disconnect waits for the fetch under way) and, on brokers
      // that answer a fetch only when the wait is over, keeps latency low.
      maxWaitTimeInMs: options.fetchMaxWaitMs,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      joined = true;
      joinedAt ??= Date.now();
      logger.info({ group: payload.groupId, partitions: payload.memberAssignment }, 'joined consumer group');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      joined = false;
      if (payload.restart) logger.warn({ err: payload.error.message }, 'order status consumer crashed; kafkajs restarts it');
      else replace(consumer, payload.error);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => options.onLag?.(payload.partition, Number(payload.offsetLag)));
    consumer.on(consumer.events.STOP, () => {
      joined = false;
    });
    const running = (async () => {
      await consumer.connect();
      await consumer.subscribe({ topic: options.topic, fromBeginning: true });
      await consumer.run({
        // kafkajs commits the resolved offsets after each batch, and those resolved so far when eachBatch throws.
        autoCommit: true,
        eachBatchAutoResolve: false,
        // Partitions in parallel; within one (so within one order) messages stay in order.
        partitionsConsumedConcurrently: 4,
        eachBatch: ({ batch, resolveOffset, heartbeat, isRunning, isStale }) =>
          handleBatch(batch, { resolveOffset, heartbeat, isActive: () => isRunning() && !isStale() }),
      });
    })().catch((err: unknown) => replace(consumer, err instanceof Error ? err : new Error(String(err))));
    return { consumer, running };
  };

  const started = options.deadLetters
    .connect()
    .then(() => {
      if (!stopping) member = join();
    })
    .catch((err: unknown) => {
      logger.fatal({ err }, 'order status consumer could not connect its dead-letter producer');
      if (!stopping) options.onFatal(err instanceof Error ? err : new Error(String(err)));
    });

  return {
    isJoined: () => joined,
    stop: async () => {
      stopping = true;
      clearTimeout(rejoinTimer);
      // With the broker gone kafkajs would retry for long: bounded, since what is not committed comes again.
      const disconnect = async () => {
        await started;
        await member?.running;
        await member?.consumer.disconnect();
        await options.deadLetters.disconnect();
      };
      await withTimeout(disconnect(), 5_000, 'disconnecting from Kafka').catch((err: Error) =>
        logger.warn({ err: err.message }, 'gave up disconnecting'),
      );
      joined = false;
    },
  };
}
