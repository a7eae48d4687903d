// For integration test files: a fresh, migrated database of one service.
import { inject } from 'vitest';
import type { ServiceDatabase } from '@shop/devstack';
import { createDatabaseFromTemplate, withDatabase } from './testDatabases';

export function freshDatabase(service: ServiceDatabase): Promise<string> {
  const adminUrl = inject('postgresAdminUrl');
  return createDatabaseFromTemplate((db) => withDatabase(adminUrl, db), service);
}
