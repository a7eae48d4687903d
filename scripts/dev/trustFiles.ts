// Where `make certs` puts the dev trust material, as the environment every service reads it from.
import path from 'node:path';

export type ServiceIdentity = 'checkout' | 'payments' | 'admin';

export const clientCertFiles = (certsDir: string, identity: ServiceIdentity) => ({
  certFile: path.join(certsDir, 'clients', `${identity}.crt`),
  keyFile: path.join(certsDir, 'clients', `${identity}.key`),
});

/** Every TLS, mTLS and token setting, pointing at `certsDir`; each service reads the ones it knows. */
export function trustEnv(certsDir: string): Record<string, string> {
  const checkout = clientCertFiles(certsDir, 'checkout');
  return {
    TLS_CERT_FILE: path.join(certsDir, 'server.crt'),
    TLS_KEY_FILE: path.join(certsDir, 'server.key'),
    TLS_CA_FILE: path.join(certsDir, 'ca.crt'),
    TLS_CLIENT_CA_FILE: path.join(certsDir, 'ca.crt'),
    LOMS_CLIENT_CERT_FILE: checkout.certFile,
    LOMS_CLIENT_KEY_FILE: checkout.keyFile,
    AUTH_JWT_PUBLIC_KEY_FILE: path.join(certsDir, 'jwt', 'signing.pub'),
  };
}
