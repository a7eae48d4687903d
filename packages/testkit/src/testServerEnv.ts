// What every service a test starts, in its process or as a bundle, listens with.
import { trustEnv } from '@shop/devstack';

/** The dev trust files (TLS, client CA, Checkout's client certificate, the token key), loopback, port 0 for gRPC and admin, a 1 s stop grace. */
export const testServerEnv = (): Record<string, string> => ({
  ...trustEnv(),
  GRPC_HOST: '127.0.0.1',
  GRPC_PORT: '0',
  ADMIN_PORT: '0',
  SHUTDOWN_GRACE: '1s',
});
