// Where `make certs` puts the dev trust material, as the environment every service reads it from.
import path from 'node:path';
import { repoRoot } from './repoRoot';

export type ServiceIdentity = 'checkout' | 'payments' | 'admin';

/** The repository's certs/ (`make certs`). */
export const certsDir = (): string => path.join(repoRoot(), 'certs');

export const clientCertFiles = (certs: string, identity: ServiceIdentity) => ({
  certFile: path.join(certs, 'clients', `${identity}.crt`),
  keyFile: path.join(certs, 'clients', `${identity}.key`),
});

/** Every TLS, mTLS and token setting, pointing at `certs` (the repository's certs/ by default); each service reads the ones it knows. */
export function trustEnv(certs: string = certsDir()): Record<string, string> {
  const checkout = clientCertFiles(certs, 'checkout');
  return {
    TLS_CERT_FILE: path.join(certs, 'server.crt'),
    TLS_KEY_FILE: path.join(certs, 'server.key'),
    TLS_CA_FILE: path.join(certs, 'ca.crt'),
    TLS_CLIENT_CA_FILE: path.join(certs, 'ca.crt'),
    LOMS_CLIENT_CERT_FILE: checkout.certFile,
    LOMS_CLIENT_KEY_FILE: checkout.keyFile,
    AUTH_JWT_PUBLIC_KEY_FILE: path.join(certs, 'jwt', 'signing.pub'),
  };
}
