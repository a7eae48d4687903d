// Applies one service's SQL migrations (migrations/<service>) with node-pg-migrate.
import path from 'node:path';
import { runner } from 'node-pg-migrate';
import { repoRoot } from './repoRoot';

export type ServiceDatabase = 'loms' | 'checkout' | 'notifications';

export async function migrate(databaseUrl: string, service: ServiceDatabase): Promise<void> {
  await runner({
    databaseUrl,
    dir: path.join(repoRoot(), 'migrations', service),
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    log: () => undefined,
    noLock: false,
    checkOrder: true,
  });
}
