// The databases of the local stack: the given *_DATABASE_URLs, or an embedded cluster kept in .data/.
import path from 'node:path';
import { Client } from 'pg';
import { migrate, type ServiceDatabase } from './migrate';
import { startPostgresCluster } from './postgresCluster';

export interface LocalDatabases {
  urls: Record<ServiceDatabase, string>;
  embedded: boolean;
  stop(): Promise<void>;
}

const variables: Record<ServiceDatabase, string> = {
  loms: 'LOMS_DATABASE_URL',
  checkout: 'CHECKOUT_DATABASE_URL',
  notifications: 'NOTIFICATIONS_DATABASE_URL',
};
const services = Object.keys(variables) as ServiceDatabase[];

export async function prepareDatabases(dataRoot: string, log: (line: string) => void): Promise<LocalDatabases> {
  const given = services.filter((s) => process.env[variables[s]]);
  if (given.length === services.length) {
    const urls = Object.fromEntries(services.map((s) => [s, process.env[variables[s]] as string])) as Record<ServiceDatabase, string>;
    for (const s of services) await migrate(urls[s], s);
    return { urls, embedded: false, stop: async () => undefined };
  }
  if (given.length > 0) throw new Error(`give all of ${Object.values(variables).join(', ')} or none (missing some of them)`);

  const port = Number(process.env.EMBEDDED_PG_PORT ?? 54320);
  const dataDir = path.join(dataRoot, 'postgres');
  log(`starting embedded PostgreSQL on 127.0.0.1:${port} (data in ${dataDir})`);
  const cluster = await startPostgresCluster({ dataDir, port, persistent: true, durable: true });
  if (cluster.dataDir !== path.resolve(dataDir))
    log(`the postgres user cannot reach ${dataDir}: its data is in ${cluster.dataDir}, linked from ${dataDir}`);
  const urls = {} as Record<ServiceDatabase, string>;
  for (const s of services) {
    await createDatabaseIfMissing(cluster.url('postgres'), s);
    urls[s] = cluster.url(s);
    await migrate(urls[s], s);
  }
  return { urls, embedded: true, stop: () => cluster.stop() };
}

async function createDatabaseIfMissing(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rows.length === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}
