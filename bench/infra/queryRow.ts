import { Client } from 'pg';

/** The first row of one query, on a connection of its own. */
export async function queryRow<R>(url: string, text: string, values: unknown[] = []): Promise<R> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text, values)).rows[0] as R;
  } finally {
    await client.end();
  }
}
