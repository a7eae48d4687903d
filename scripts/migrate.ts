// `make migrate`: applies every service's migrations to its *_DATABASE_URL (or the embedded cluster).
import path from 'node:path';
import { prepareDatabases, repoRoot } from '@shop/devstack';

async function main(): Promise<void> {
  const databases = await prepareDatabases(path.resolve(repoRoot(), process.env.RUN_SERVICES_DATA_DIR ?? '.data'), (line) =>
    console.log(line),
  );
  console.log(`migrated: ${Object.keys(databases.urls).join(', ')}`);
  await databases.stop();
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
