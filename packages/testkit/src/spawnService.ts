// A service's bundle started by a test: testServerEnv() over a clean copy of the test's own environment.
import { startBundle, type ListeningBundleStart, type RunningBundle } from '@shop/devstack';
import { testServerEnv } from './testServerEnv';

/** Settings the parent's environment must not leak into a child: the child gets exactly what the test says. */
const leaky =
  /^(VITEST|TEST_|NODE_OPTIONS$|KAFKA_|GRPC_|ADMIN_PORT$|LOMS_|CHECKOUT_|NOTIFICATIONS_|PRODUCTS_|EMBEDDED_PG_PORT$|LOG_LEVEL$)/;

/** The test's environment without what would leak, LOG_LEVEL warn, and `env` over both. */
export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !leaky.test(key)));
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** The bundle over testServerEnv() and `env`, on free ports unless given, once its /readyz answers. */
export function spawnService(
  options: Omit<ListeningBundleStart, 'env' | 'root'> & { env: Record<string, string> },
): Promise<RunningBundle> {
  return startBundle({ ...options, env: childEnv({ ...testServerEnv(), ...options.env }) });
}
