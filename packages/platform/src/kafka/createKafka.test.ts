import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { parseConfig } from '../config/parseConfig';
import { createKafka, kafkaBrokers } from './createKafka';

describe('kafkaBrokers', () => {
  const schema = z.object({ KAFKA_BROKERS: kafkaBrokers });

  it('reads a comma-separated host:port list, defaulting to localhost:9092', () => {
    expect(parseConfig(schema, {}).KAFKA_BROKERS).toEqual(['localhost:9092']);
    expect(parseConfig(schema, { KAFKA_BROKERS: 'kafka-1:9092, 10.0.0.2:19092,' }).KAFKA_BROKERS).toEqual([
      'kafka-1:9092',
      '10.0.0.2:19092',
    ]);
  });

  it('names the variable and the bad entry', () => {
    expect(() => parseConfig(schema, { KAFKA_BROKERS: 'kafka-1:9092,kafka-2' })).toThrowError(/KAFKA_BROKERS=.*bad: kafka-2/);
    expect(() => parseConfig(schema, { KAFKA_BROKERS: 'host:70000' })).toThrowError(/KAFKA_BROKERS/);
    expect(() => parseConfig(schema, { KAFKA_BROKERS: ' , ' })).toThrowError(/KAFKA_BROKERS/);
  });
});

describe('createKafka', () => {
  function capture(level: string) {
    const lines: Array<Record<string, unknown>> = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { logger: pino({ level, formatters: { level: (label) => ({ level: label }) } }, stream), lines };
  }

  it('forwards kafkajs logs to pino, with its chatty INFO demoted to debug', () => {
    const { logger, lines } = capture('debug');
    const kafkaLog = createKafka({ clientId: 'test', brokers: ['localhost:9092'], logger }).logger();
    kafkaLog.error('broken', { broker: 'b1' });
    kafkaLog.warn('slow');
    kafkaLog.info('joined group');
    expect(lines.map((l) => [l.level, l.msg, l.component])).toEqual([
      ['error', 'broken', 'kafkajs'],
      ['warn', 'slow', 'kafkajs'],
      ['debug', 'joined group', 'kafkajs'],
    ]);
    expect(lines[0]?.broker).toBe('b1');
  });

  it('does not even build kafkajs entries that the logger would drop', () => {
    const { logger, lines } = capture('warn');
    const kafkaLog = createKafka({ clientId: 'test', brokers: ['localhost:9092'], logger }).logger();
    kafkaLog.info('joined group');
    kafkaLog.debug('fetch');
    kafkaLog.warn('slow');
    expect(lines.map((l) => l.msg)).toEqual(['slow']);
  });
});
