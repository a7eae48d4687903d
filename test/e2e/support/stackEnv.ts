// Environment pieces shared by the end-to-end tests: trust files and a clean environment for child processes.
import { trustEnv } from '@shop/testkit/src/credentials';

export { certsDir } from '@shop/testkit/src/credentials';

/** Certificates, the client CA, Checkout's client certificate and the token key, for any service. */
export const tlsServerEnv = (): Record<string, string> => trustEnv();

/** Settings the parent's environment must not leak into a child: the child gets exactly what the test says. */
const leaky =
  /^(VITEST|TEST_|NODE_OPTIONS$|KAFKA_|GRPC_|ADMIN_PORT$|LOMS_|CHECKOUT_|NOTIFICATIONS_|PRODUCTS_|EMBEDDED_PG_PORT$|LOG_LEVEL$)/;

export function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = Object.fromEntries(Object.entries(process.env).filter(([key]) => !leaky.test(key)));
  return { ...base, LOG_LEVEL: 'warn', ...env };
}

/** The consumer settings that make the local broker's group joins and rejoins quick (see the brief on the mock). */
export const quickGroupEnv = { KAFKA_SESSION_TIMEOUT: '3s' };
