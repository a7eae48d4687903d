// Tells a statement the database refused for its values (storing them again fails again) from a database that is unwell.
import { RejectedByStorageError } from '../app/ports';

// SQLSTATE classes about the statement's values: 22 data exception (out of range, a NUL byte in text),
// 23 integrity constraint violation, 54 program limit exceeded (a value too large for an index).
// Connection failures (08), shutdowns (57P), timeouts (57014), lock and serialisation failures (40) are not among them.
const valueClasses = new Set(['22', '23', '54']);

export async function refusingValues<T>(statement: () => Promise<T>): Promise<T> {
  try {
    return await statement();
  } catch (err) {
    throw refusalOf(err) ?? err;
  }
}

export function refusalOf(err: unknown): RejectedByStorageError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code) || !valueClasses.has(code.slice(0, 2))) return undefined;
  return new RejectedByStorageError(String((err as Error).message).slice(0, 300), code);
}
