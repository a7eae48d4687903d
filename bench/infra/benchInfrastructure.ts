// The bench's own throwaway PostgreSQL cluster (durable, as in production: fsync on) on the real disk
// under .data/, and the local Kafka-protocol broker; fresh migrated databases for each scenario.
import fs from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { sessionOptions } from '@shop/platform';
import { lomsSessionSettings } from '../../services/loms/src/storage/sessionSettings';
import {
  type KafkaBroker,
  migrate,
  type PostgresCluster,
  type ServiceDatabase,
  startKafkaBroker,
  startPostgresCluster,
} from '@shop/devstack';

export interface BenchInfrastructure {
  cluster: PostgresCluster;
  dataDir: string;
  brokers: string[];
  /** A new database of the service, migrated, named after the scenario. */
  freshDatabase(service: ServiceDatabase, scenario: string): Promise<string>;
  /** Connection settings for pgbench. */
  pgbenchEnv: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

export async function startBenchInfrastructure(root: string, say: (line: string) => void): Promise<BenchInfrastructure> {
  const dataDir = path.join(root, '.data', 'bench-postgres');
  fs.rmSync(dataDir, { recursive: true, force: true });
  say('starting a throwaway PostgreSQL cluster (durable: fsync on) in .data/bench-postgres');
  const cluster = await startPostgresCluster({ dataDir, persistent: false, durable: true });
  let broker: KafkaBroker | undefined;
  try {
    broker = await startKafkaBroker();
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  say(`PostgreSQL on 127.0.0.1:${cluster.port}, local Kafka-protocol broker on ${broker.brokers.join(',')}`);

  return {
    cluster,
    dataDir,
    brokers: broker.brokers,
    pgbenchEnv: {
      ...process.env,
      PGHOST: '127.0.0.1',
      PGPORT: String(cluster.port),
      PGUSER: 'postgres',
      PGPASSWORD: 'postgres',
      // The ceiling runs with LOMS' own session settings, so both sides plan the statement alike.
      PGOPTIONS: sessionOptions(lomsSessionSettings),
    },
    async freshDatabase(service, scenario) {
      const name = `${service}_${scenario.replace(/[^a-z0-9]/g, '_')}`;
      const admin = new Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      await migrate(cluster.url(name), service);
      return cluster.url(name);
    },
    async stop() {
      await broker?.stop();
      await cluster.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
