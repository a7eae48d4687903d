// pino JSON logs with the service name and redaction of tokens and connection-string passwords.
import pino, { type Logger } from 'pino';

export type { Logger };

const redactedPaths = [
  'authorization',
  '*.authorization',
  'token',
  '*.token',
  'password',
  '*.password',
  'headers.authorization',
  'metadata.authorization',
];

export function createLogger(service: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactedPaths, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}
