// Vitest global setup: bundles the services once per run, so tests that spawn a service run what production runs.
import { repoRoot } from '@shop/devstack';
import { buildServices } from './buildServices';

export default async function setup(): Promise<void> {
  await buildServices(repoRoot());
}
