// Node prints process warnings (a deprecation, kafkajs' negative timeout on Node 24) to stderr as plain text, outside
// the JSON log. A service's process logs them instead, as JSON lines like every other.
import type { EventEmitter } from 'node:events';
import type { Logger } from '../logger';

export function logProcessWarnings(logger: Logger, target: EventEmitter = process): void {
  // Node's own listener is the one that prints them.
  target.removeAllListeners('warning');
  target.on('warning', (warning: Error & { code?: string }) => {
    logger.warn({ warning: warning.name, code: warning.code, detail: warning.message }, 'process warning');
  });
}
