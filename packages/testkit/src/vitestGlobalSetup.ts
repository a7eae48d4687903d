// Vitest global setup: one throwaway PostgreSQL cluster per run (unless TEST_DATABASE_URL is given),
// with a migrated template database per service.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node' with { 'resolution-mode': 'import' };
import { startPostgresCluster } from '@shop/devstack';
import { createTemplates, withDatabase } from './testDatabases';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.TEST_DATABASE_URL;
  if (given) {
    await createTemplates((db) => withDatabase(given, db), ['loms', 'checkout', 'notifications']);
    project.provide('postgresAdminUrl', given);
    return async () => undefined;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'shop-test-pg-'));
  const cluster = await startPostgresCluster({ dataDir, persistent: false, durable: false });
  await createTemplates(cluster.url, ['loms', 'checkout', 'notifications']);
  project.provide('postgresAdminUrl', cluster.url('postgres'));
  return async () => {
    await cluster.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
