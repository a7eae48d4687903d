// Consumes order status events in a consumer group a batch at a time: a batch's events are recorded in one transaction,
// its poison messages dead-lettered, and only then are its offsets resolved and committed.
import { propagation, ROOT_CONTEXT, SpanKind, trace, type Link } from '@opentelemetry/api';
import { withTimeout, type Logger } from '@shop/platform';
import type { Batch, Kafka, KafkaMessage } from 'kafkajs';
import type { RecordResult } from '../../app/recordStatusChanges';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../../domain/statusChange';
import type { DeadLetterKind } from '../../observability/metrics';
import type { DeadLetters } from './deadLetters';
import { readStatusChange, UnreadableMessageError } from './readStatusChange';

const tracer = trace.getTracer('notifications-consumer');

export interface StatusConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topic: string;
  /** How long the group waits for a silent member before giving its partitions to others. */
  sessionTimeoutMs: number;
  /** Longest a fetch waits for new messages: bounds the delivery latency on a quiet topic. */
  fetchMaxWaitMs: number;
  /** Records the events of one batch together; one result a candidate, in order. */
  recordBatch: (candidates: StatusChangeCandidate[]) => Promise<RecordResult[]>;
  /** Most messages recorded by one transaction: a larger fetched batch is recorded in slices of this size. */
  maxRecordBatch: number;
  /** Messages in each slice handed to recordBatch (poison messages included). */
  onBatch?: (messages: number) => void;
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

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, kind: DeadLetterKind, reason: string) => {
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

  /**
   * Records a slice in a span of the first traced event's trace (the one event's, for a lone event), linked to
   * the others' traces: kafkajs' own batch spans start a trace of their own, so without it a status change's
   * trace would end at the broker.
   */
  const recordTraced = (topic: string, candidates: StatusChangeCandidate[]) => {
    const origins = candidates.flatMap((c) => (c.traceparent ? [propagation.extract(ROOT_CONTEXT, { traceparent: c.traceparent })] : []));
    const links = origins.slice(1).flatMap((o): Link[] => {
      const origin = trace.getSpanContext(o);
      return origin ? [{ context: origin }] : [];
    });
    return tracer.startActiveSpan(`process ${topic}`, { kind: SpanKind.CONSUMER, links }, origins[0] ?? ROOT_CONTEXT, (span) =>
      options.recordBatch(candidates).finally(() => span.end()),
    );
  };

  /** Records a slice of a partition's messages, then dead-letters its poison ones and resolves its offsets, in order. */
  const handleSlice = async (topic: string, partition: number, messages: KafkaMessage[], resolveOffset: (offset: string) => void) => {
    options.onBatch?.(messages.length);
    const read = messages.map((message) => {
      try {
        return { message, candidate: readStatusChange(message) };
      } catch (err) {
        if (err instanceof UnreadableMessageError) return { message, unreadable: err.message };
        throw err;
      }
    });
    const candidates = read.flatMap((r) => (r.candidate ? [r.candidate] : []));
    // A database that is down throws here: nothing of the slice is resolved, and kafkajs fetches it again.
    const results = candidates.length > 0 ? await recordTraced(topic, candidates) : [];
    let next = 0;
    for (const { message, candidate, unreadable } of read) {
      if (unreadable !== undefined) await deadLetter(topic, partition, message, 'unreadable', unreadable);
      else {
        const result = results[next++];
        if (result === undefined) throw new Error(`no result for the message at offset ${message.offset}`);
        const refusal = refusalOf(result);
        if (refusal) await deadLetter(topic, partition, message, refusal.kind, refusal.reason);
        else logger.debug({ event_id: candidate?.eventId, order_id: candidate?.orderId, outcome: result }, 'order status event handled');
      }
      resolveOffset(message.offset);
    }
  };

  const handleBatch = async (
    batch: Batch,
    resolveOffset: (offset: string) => void,
    heartbeat: () => Promise<void>,
    isActive: () => boolean,
  ) => {
    for (let start = 0; start < batch.messages.length; start += options.maxRecordBatch) {
      // Stopping, or the partition was taken away (a rebalance): what is not resolved is handled again by its next owner.
      if (!isActive()) return;
      await handleSlice(batch.topic, batch.partition, batch.messages.slice(start, start + options.maxRecordBatch), resolveOffset);
      await heartbeat();
    }
  };

  const running = (async () => {
    await options.deadLetters.connect();
    await consumer.connect();
    await consumer.subscribe({ topic: options.topic, fromBeginning: true });
    await consumer.run({
      // kafkajs commits the resolved offsets after each batch, and those resolved so far when eachBatch throws.
      autoCommit: true,
      eachBatchAutoResolve: false,
      // Partitions in parallel; within one (so within one order) messages stay in order.
      partitionsConsumedConcurrently: 4,
      eachBatch: ({ batch, resolveOffset, heartbeat, isRunning, isStale }) =>
        handleBatch(batch, resolveOffset, heartbeat, () => isRunning() && !isStale()),
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

function refusalOf(result: RecordResult): { kind: DeadLetterKind; reason: string } | undefined {
  if (typeof result === 'string') return undefined;
  const err = result.refused;
  if (err instanceof InvalidStatusChangeError) return { kind: 'invalid', reason: err.message };
  return { kind: 'rejected', reason: `the database refused it: ${err.message} (SQLSTATE ${err.sqlState})` };
}

class DeadLetterNotWrittenError extends Error {
  readonly retriable = true;
  constructor(cause: unknown) {
    super(`dead letter not written: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'DeadLetterNotWrittenError';
  }
}
