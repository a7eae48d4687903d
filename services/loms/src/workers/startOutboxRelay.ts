// The outbox relay: publishes unpublished outbox rows to Kafka in order and marks them published
// once the broker acknowledged. One relay is active across replicas; the others stand by.
import type { Pool } from 'pg';
import type { Message, Producer } from 'kafkajs';
import { withTimeout, type Logger, type Queryable } from '@shop/platform';
import { awaitDurableCommits, fetchUnpublished, markPublished } from '../storage/outboxRelayQueries';
import { outboxAddress, outboxMessage, type OutboxTopics } from '../transport/kafka/outboxMessage';
import { startPublishSpans } from '../transport/kafka/publishSpans';
import { advisoryLeadership, defaultLeadershipTiming } from './advisoryLeadership';

/** Advisory lock key of the relay: any constant shared by all LOMS replicas. */
const relayLockKey = 0x4c4f4d53;

export interface OutboxRelayOptions {
  topics: OutboxTopics;
  batchSize: number;
  pollIntervalMs: number;
  sendTimeoutMs: number;
  onPublished?: (count: number) => void;
  onError?: (err: unknown) => void;
  onLeadership?: (active: boolean) => void;
}

export function startOutboxRelay(pool: Pool, producer: Producer, logger: Logger, options: OutboxRelayOptions): { stop(): Promise<void> } {
  const leadership = advisoryLeadership(pool.options, relayLockKey, defaultLeadershipTiming, (reason) => {
    logger.warn({ reason }, 'outbox relay gave up leadership');
    options.onLeadership?.(false);
  });
  const q = pool as unknown as Queryable;
  let stopped = false;
  let connected = false;
  let failures = 0;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  /** Publishes one batch; returns how many rows it published. */
  const publishBatch = async (): Promise<number> => {
    const rows = await fetchUnpublished(q, options.batchSize);
    if (rows.length === 0) return 0;
    await awaitDurableCommits(q);
    if (!connected) {
      await withTimeout(producer.connect(), options.sendTimeoutMs, 'connecting to Kafka');
      connected = true;
    }
    // Leadership may have been lost while the rows were read: then another replica publishes them.
    if (!leadership.isLeading()) return 0;
    const addresses = rows.map((row) => outboxAddress(row, options.topics));
    const spans = startPublishSpans(rows, addresses);
    // One request for every topic: within a partition, messages keep the order of the outbox.
    const topicMessages = new Map<string, Message[]>();
    rows.forEach((row, i) => {
      const topic = addresses[i]?.topic ?? options.topics.orderStatus;
      const messages = topicMessages.get(topic) ?? [];
      messages.push(outboxMessage(row, spans.traceparents[i] ?? row.traceparent ?? undefined));
      topicMessages.set(topic, messages);
    });
    try {
      await withTimeout(
        producer.sendBatch({ acks: -1, topicMessages: [...topicMessages].map(([topic, messages]) => ({ topic, messages })) }),
        options.sendTimeoutMs,
        'publishing to Kafka',
      );
      spans.end();
    } catch (err) {
      spans.end(err);
      throw err;
    }
    await markPublished(
      q,
      rows.map((r) => r.id),
    );
    options.onPublished?.(rows.length);
    return rows.length;
  };

  const loop = async () => {
    while (!stopped) {
      try {
        const leading = await leadership.tryLead();
        options.onLeadership?.(leading);
        if (!leading) {
          await sleep(Math.max(options.pollIntervalMs, 1_000));
          continue;
        }
        const published = await publishBatch();
        if (failures > 0) logger.info({ after: failures }, 'outbox relay recovered');
        failures = 0;
        if (published < options.batchSize) await sleep(options.pollIntervalMs);
      } catch (err) {
        failures += 1;
        options.onError?.(err);
        logger.warn({ err: (err as Error).message, failures }, 'outbox relay iteration failed');
        if (connected && failures % 5 === 0) {
          connected = false;
          await producer.disconnect().catch(() => undefined);
        }
        await sleep(backoffMs(failures));
      }
    }
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await leadership.release();
      options.onLeadership?.(false);
      if (connected) await withTimeout(producer.disconnect(), 5_000, 'disconnecting from Kafka').catch(() => undefined);
    },
  };
}

/** Exponential with full jitter, 100 ms to 5 s. */
function backoffMs(failures: number): number {
  return Math.random() * Math.min(5_000, 100 * 2 ** Math.min(failures, 10));
}
