import { describe, expect, it } from 'vitest';
import { RejectedByStorageError } from '../app/ports';
import { refusalOf, refusingValues } from './databaseRefusal';

const pgError = (code: string | undefined, message = 'boom') => Object.assign(new Error(message), { code });

describe('refusalOf', () => {
  it('treats errors about the values as final: data exceptions, constraint violations, program limits', () => {
    for (const code of ['22021', '22008', '22003', '22P02', '23514', '23502', '54000'])
      expect(refusalOf(pgError(code)), code).toBeInstanceOf(RejectedByStorageError);
    expect(refusalOf(pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00'))).toMatchObject({
      message: 'invalid byte sequence for encoding "UTF8": 0x00',
      sqlState: '22021',
    });
  });

  it('leaves everything about an unwell database to be retried', () => {
    const transient = ['08006', '08001', '57P01', '57P03', '57014', '40001', '40P01', '55000', '53300', '55P03', 'XX000', '42P01'];
    for (const code of transient) expect(refusalOf(pgError(code)), code).toBeUndefined();
    for (const err of [
      pgError(undefined),
      pgError('ECONNRESET'),
      pgError('ECONNREFUSED'),
      new Error('Connection terminated'),
      null,
      'text',
    ])
      expect(refusalOf(err)).toBeUndefined();
  });

  it('passes results and other errors through unchanged', async () => {
    await expect(refusingValues(async () => 7)).resolves.toBe(7);
    const down = pgError('57P01');
    await expect(refusingValues(() => Promise.reject(down))).rejects.toBe(down);
    await expect(refusingValues(() => Promise.reject(pgError('22008')))).rejects.toBeInstanceOf(RejectedByStorageError);
  });
});
