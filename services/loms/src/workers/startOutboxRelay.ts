// The outbox relay: publishes unpublished outbox rows to Kafka in order and marks them published
// once the broker acknowledged. One relay is active across replicas; the others stand by. Between polls it
// sleeps for the poll interval, unless woken: LOMS wakes it when one of its transactions has written an
// event, so that a change made here is published at once, and changes made during a batch go out in the next.
import type { Pool } from 'pg';
import type { Message, Producer } from 'kafkajs';
import { withTimeout, type Logger, type Queryable } from '@shop/platform';
import { awaitDurableCommits, fetchUnpublished, markPublished } from '../storage/outboxRelayQueries';
import { outboxAddress, outboxMessage, type OutboxTopics } from '../transport/kafka/outboxMessage';
import { startPublishSpans } from '../transport/kafka/publishSpans';
import { sleeper } from './sleeper';
import { advisoryLeadership, defaultLeadershipTiming } from './advisoryLeadership';

/** Advisory lock key of the relay: any constant shared by all LOMS replicas. */
const relayLockKey = 0x4c4f4d53;

export interface OutboxRelayOptions {
  topics: OutboxTopics;
  batchSize: number;
  pollIntervalMs: number;
  /**
   * Woken, the relay polls no sooner than this after its last poll began: under load each batch then
   * gathers what this much time committed, instead of one batch a commit.
   */
  minPollGapMs: number;
  sendTimeoutMs: number;
  onPublished?: (count: number) => void;
  onError?: (err: unknown) => void;
  onLeadership?: (active: boolean) => void;
}

export interface OutboxRelay {
  /** An event was committed: poll now (or once minPollGapMs has passed) rather than after the poll interval. */
  readonly wake: () => void;
  stop(): Promise<void>;
}

export function startOutboxRelay(pool: Pool, producer: Producer, logger: Logger, options: OutboxRelayOptions): OutboxRelay {
  const leadership = advisoryLeadership(pool.options, relayLockKey, defaultLeadershipTiming, (reason) => {
    logger.warn({ reason }, 'outbox relay gave up leadership');
    options.onLeadership?.(false);
  });
  const q = pool as unknown as Queryable;
  let stopped = false;
  let connected = false;
  let failures = 0;
  const pause = sleeper();
  let sleepingForPoll = false;
  let pollWanted = false;
  let lastPollAt = 0;
  const nextPollAllowedAt = () => lastPollAt + options.minPollGapMs;

  // Only this sleep is cut short by a wake: the standby's and the failures' backoff keep their length.
  const sleepUntilPoll = async () => {
    sleepingForPoll = true;
    await pause.sleep(pollWanted ? Math.max(0, nextPollAllowedAt() - Date.now()) : options.pollIntervalMs);
    sleepingForPoll = false;
  };

  /** Publishes one batch; returns how many rows it published. */
  const publishBatch = async (): Promise<number> => {
    pollWanted = false;
    lastPollAt = Date.now();
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
          await pause.sleep(Math.max(options.pollIntervalMs, 1_000));
          continue;
        }
        const published = await publishBatch();
        if (failures > 0) logger.info({ after: failures }, 'outbox relay recovered');
        failures = 0;
        if (published < options.batchSize) await sleepUntilPoll();
      } catch (err) {
        failures += 1;
        options.onError?.(err);
        logger.warn({ err: (err as Error).message, failures }, 'outbox relay iteration failed');
        if (connected && failures % 5 === 0) {
          connected = false;
          await producer.disconnect().catch(() => undefined);
        }
        await pause.sleep(backoffMs(failures));
      }
    }
  };
  const running = loop();

  return {
    wake() {
      pollWanted = true;
      if (sleepingForPoll) pause.endBy(nextPollAllowedAt());
    },
    async stop() {
      stopped = true;
      pause.end();
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
