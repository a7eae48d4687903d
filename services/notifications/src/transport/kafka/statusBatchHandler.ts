// Handles one fetched batch of order status events: records its events in slices, one transaction a slice,
// dead-letters its poison messages and resolves its offsets, in order.
import { propagation, ROOT_CONTEXT, SpanKind, trace, type Link } from '@opentelemetry/api';
import type { Logger } from '@shop/platform';
import type { Batch, KafkaMessage } from 'kafkajs';
import type { RecordResult } from '../../app/recordStatusChanges';
import { InvalidStatusChangeError, type StatusChangeCandidate } from '../../domain/statusChange';
import type { DeadLetterKind } from '../../observability/metrics';
import type { DeadLetters } from './deadLetters';
import { readStatusChange, UnreadableMessageError } from './readStatusChange';

const tracer = trace.getTracer('notifications-consumer');

export interface StatusBatchHandlerOptions {
  /** Records the events of one slice together; one result a candidate, in order. */
  recordBatch: (candidates: StatusChangeCandidate[]) => Promise<RecordResult[]>;
  /** Most messages recorded by one transaction: a larger fetched batch is recorded in slices of this size. */
  maxRecordBatch: number;
  /** Messages in each slice handed to recordBatch (poison messages included). */
  onBatch?: (messages: number) => void;
  deadLetters: DeadLetters;
  onDeadLetter: (kind: DeadLetterKind) => void;
  logger: Logger;
}

export interface BatchControls {
  resolveOffset: (offset: string) => void;
  heartbeat: () => Promise<void>;
  /** False once the consumer stops or the partition was taken away (a rebalance). */
  isActive: () => boolean;
}

export function statusBatchHandler(options: StatusBatchHandlerOptions): (batch: Batch, controls: BatchControls) => Promise<void> {
  const { logger } = options;

  const deadLetter = async (topic: string, partition: number, message: KafkaMessage, kind: DeadLetterKind, reason: string) => {
    try {
      await options.deadLetters.publish({ topic, partition, message }, reason);
    } catch (err) {
      // kafkajs gives up on a handler error it calls non-retriable: the dead-letter topic being unwritable for a
      // while is not that, the message is handled again once it is.
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

  return async (batch, { resolveOffset, heartbeat, isActive }) => {
    for (let start = 0; start < batch.messages.length; start += options.maxRecordBatch) {
      // What is not resolved when the partition goes is handled again by its next owner.
      if (!isActive()) return;
      await handleSlice(batch.topic, batch.partition, batch.messages.slice(start, start + options.maxRecordBatch), resolveOffset);
      await heartbeat();
    }
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
