// `make build`: bundles the four services into services/<name>/dist, the form in which every start-up runs them,
// and the image's jobs (migrate, seed, health probe) into build/jobs.
import { repoRoot } from '@shop/devstack';
import { buildJobs } from './dev/buildJobs';
import { buildServices } from './dev/buildServices';

const started = Date.now();
Promise.all([buildServices(repoRoot()), buildJobs(repoRoot())])
  .then(() => console.log(`bundled the services into services/<name>/dist and the jobs into build/jobs in ${Date.now() - started} ms`))
  .catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
