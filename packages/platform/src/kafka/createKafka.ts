// A kafkajs client whose logs go to the service's pino logger, with bounded timeouts and retries.
import { Kafka, logLevel, type LogEntry, type RetryOptions } from 'kafkajs';
import { z } from 'zod';
import type { Logger } from '../logger';

export interface CreateKafkaOptions {
  clientId: string;
  /** `host:port` bootstrap addresses, e.g. from the `kafkaBrokers` schema. */
  brokers: string[];
  logger: Logger;
  /** TCP connect timeout per broker; default 3 s. */
  connectionTimeoutMs?: number;
  /** Time a broker has to answer one request; default 10 s. */
  requestTimeoutMs?: number;
  /** Overrides of the bounded exponential retry below (kafkajs' own `RetryOptions`). */
  retry?: RetryOptions;
}

/** About 8 retries from 300 ms doubling up to 10 s: a minute-long broker hiccup is ridden out, not forever. */
export const defaultKafkaRetry: Required<Omit<RetryOptions, 'restartOnFailure'>> = {
  initialRetryTime: 300,
  maxRetryTime: 10_000,
  retries: 8,
  factor: 0.2,
  multiplier: 2,
};

export function createKafka(options: CreateKafkaOptions): Kafka {
  const logger = options.logger.child({ component: 'kafkajs' });
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    requestTimeout: options.requestTimeoutMs ?? 10_000,
    enforceRequestTimeout: true,
    retry: { ...defaultKafkaRetry, ...options.retry },
    logLevel: kafkaLevelFor(logger),
    logCreator: () => (entry) => forwardLog(logger, entry),
  });
}

/** Asks kafkajs only for what pino would print, since kafkajs builds every entry it is asked for. */
function kafkaLevelFor(logger: Logger): logLevel {
  if (logger.isLevelEnabled('trace')) return logLevel.DEBUG;
  if (logger.isLevelEnabled('debug')) return logLevel.INFO;
  if (logger.isLevelEnabled('warn')) return logLevel.WARN;
  if (logger.isLevelEnabled('error')) return logLevel.ERROR;
  return logLevel.NOTHING;
}

function forwardLog(logger: Logger, { namespace, level, log }: LogEntry): void {
  const { message, timestamp: _timestamp, logger: _name, ...extra } = log as LogEntry['log'] & { logger?: unknown };
  const fields = { namespace, ...extra };
  switch (level) {
    case logLevel.ERROR:
      return logger.error(fields, message);
    case logLevel.WARN:
      return logger.warn(fields, message);
    // kafkajs reports every join, commit and reconnect at INFO: that is debug detail for us.
    case logLevel.INFO:
      return logger.debug(fields, message);
    default:
      return logger.trace(fields, message);
  }
}

const brokerAddress = /^[A-Za-z0-9.-]+:(\d{1,5})$/;

/** `KAFKA_BROKERS`: a comma-separated `host:port` list, parsed to an array of addresses. */
export const kafkaBrokers = z
  .string()
  .default('localhost:9092')
  .transform((value, ctx) => {
    const brokers = value
      .split(',')
      .map((b) => b.trim())
      .filter((b) => b.length > 0);
    const bad = brokers.filter((b) => {
      const port = Number(brokerAddress.exec(b)?.[1] ?? 0);
      return port < 1 || port > 65535;
    });
    if (brokers.length === 0 || bad.length > 0) {
      ctx.addIssue({
        code: 'custom',
        message: `must be a comma-separated list of host:port${bad.length ? ` (bad: ${bad.join(', ')})` : ''}`,
      });
      return z.NEVER;
    }
    return brokers;
  });
