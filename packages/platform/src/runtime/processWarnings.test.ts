import { EventEmitter } from 'node:events';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { logProcessWarnings } from './processWarnings';

describe('logProcessWarnings', () => {
  it('logs a process warning as a JSON line instead of the listener that printed it', () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ base: undefined }, { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) });
    const target = new EventEmitter();
    const printed: Error[] = [];
    target.on('warning', (w: Error) => printed.push(w));
    logProcessWarnings(logger, target);
    const warning = Object.assign(new Error('-17 is a negative number.'), { name: 'TimeoutNegativeWarning', code: undefined });
    target.emit('warning', warning);
    expect(printed).toEqual([]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'process warning',
        warning: 'TimeoutNegativeWarning',
        detail: '-17 is a negative number.',
      }),
    ]);
  });
});
