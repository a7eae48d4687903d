// PostgreSQL pool and the transaction helper through which every use case writes.
import type { Pool, PoolClient, QueryResultRow } from 'pg';
import type { Logger } from '../logger';
import { CallAwarePool } from './callAwarePool';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export interface Queryable {
  query<R extends QueryResultRow = QueryResultRow>(
    query: string | { name?: string; text: string; values?: unknown[] },
    values?: unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

export interface Database {
  pool: Pool;
  inTransaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Default of DB_POOL_QUEUE_MAX (README, "Configuration"). */
export const defaultMaxWaiting = 128;

export function createDatabase(options: {
  connectionString: string;
  maxConnections: number;
  statementTimeoutMs: number;
  /** Callers waiting for a connection at most; beyond it RESOURCE_EXHAUSTED at once. */
  maxWaiting?: number;
  logger: Logger;
  applicationName: string;
  /** Server settings for every session of the pool, e.g. `{ plan_cache_mode: 'force_generic_plan' }`. */
  sessionSettings?: Record<string, string>;
}): Database {
  const pool = new CallAwarePool({
    connectionString: options.connectionString,
    max: options.maxConnections,
    maxWaiting: options.maxWaiting ?? defaultMaxWaiting,
    statement_timeout: options.statementTimeoutMs,
    connectionTimeoutMillis: 5_000,
    application_name: options.applicationName,
    options: sessionOptions(options.sessionSettings),
  });
  pool.on('error', (err) => options.logger.warn({ err: err.message }, 'idle postgres client failed'));
  // A connection lost while checked out (the server shutting down mid-transaction) emits 'error' on its client,
  // where node-pg has no listener then, and the process would exit; its statement fails and it is released broken.
  pool.on('connect', (client) => client.on('error', () => undefined));
  return {
    pool,
    inTransaction: (work) => inTransaction(pool, work),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: () => pool.end(),
  };
}

/** The `options` startup parameter (`-c name=value ...`); undefined keeps the server's defaults. */
export function sessionOptions(settings: Record<string, string> | undefined): string | undefined {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return undefined;
  for (const [name, value] of entries) {
    if (!/^[a-z_.]+$/.test(name) || !/^[A-Za-z0-9_.-]+$/.test(value)) throw new Error(`unsupported session setting ${name}=${value}`);
  }
  return entries.map(([name, value]) => `-c ${name}=${value}`).join(' ');
}

export async function inTransaction<T>(pool: Pool, work: (tx: Queryable) => Promise<T>): Promise<T> {
  const client: PoolClient = await pool.connect();
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client as Queryable);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw err;
  } finally {
    client.release(broken);
  }
}
