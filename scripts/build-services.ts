// `make build`: bundles the four services into services/<name>/dist, the form in which every start-up runs them.
import { repoRoot } from '@shop/testkit/src/repoRoot';
import { buildServices } from './dev/buildServices';

const started = Date.now();
buildServices(repoRoot())
  .then(() => console.log(`bundled the services into services/<name>/dist in ${Date.now() - started} ms`))
  .catch((err: unknown) => {
    console.error((err as Error).message);
    process.exit(1);
  });
