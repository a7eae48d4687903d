import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, parseConfig, redactUrl } from './parseConfig';
import { durationMs, port, postgresUrl } from './envSchemas';

const schema = z.object({ GRPC_PORT: port(50052), LOMS_DATABASE_URL: postgresUrl });

describe('parseConfig', () => {
  it('applies defaults and coerces numbers', () => {
    const config = parseConfig(schema, { LOMS_DATABASE_URL: 'postgres://a@b/c' });
    expect(config.GRPC_PORT).toBe(50052);
  });

  it('names the variable whose value is bad', () => {
    expect(() => parseConfig(schema, { GRPC_PORT: 'abc', LOMS_DATABASE_URL: 'postgres://a@b/c' })).toThrowError(/GRPC_PORT="abc"/);
  });

  it('never repeats a password from a bad connection string', () => {
    try {
      parseConfig(z.object({ URL: z.string().regex(/^x/) }), { URL: 'postgres://user:s3cret@host/db' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).not.toContain('s3cret');
    }
  });

  it('redacts only the password of a connection string', () => {
    expect(redactUrl('postgres://user:pw@host:5432/db')).toBe('postgres://user:***@host:5432/db');
  });
});

describe('durationMs', () => {
  const durations = z.object({ TIMEOUT: durationMs('10m') });
  it('reads units and defaults', () => {
    expect(parseConfig(durations, {}).TIMEOUT).toBe(600_000);
    expect(parseConfig(durations, { TIMEOUT: '1s' }).TIMEOUT).toBe(1_000);
    expect(parseConfig(durations, { TIMEOUT: '250' }).TIMEOUT).toBe(250);
  });
  it('refuses a duration without a number', () => {
    expect(() => parseConfig(durations, { TIMEOUT: 'soon' })).toThrowError(/TIMEOUT="soon"/);
  });
});
