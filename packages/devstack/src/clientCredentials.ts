// What a client of the local stack (a test, the bench) presents: LOMS' client certificates by identity, and shopper tokens for Checkout and Notifications.
import path from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { clientCredentials } from '@shop/platform';
import { signDevToken, type DevTokenClaims } from './devToken';
import { certsDir, clientCertFiles, type ServiceIdentity } from './trustFiles';

/** TLS that trusts the dev CA and presents `identity`'s client certificate (what LOMS demands). */
export const lomsCredentials = (identity: ServiceIdentity = 'admin'): grpc.ChannelCredentials =>
  clientCredentials({ caFile: path.join(certsDir(), 'ca.crt'), ...clientCertFiles(certsDir(), identity) });

export const devToken = (claims: DevTokenClaims): Promise<string> => signDevToken(certsDir(), claims);

export function bearer(token: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

/**
 * TLS plus a shopper token on every call. The default, an admin token, acts for any user: for tests about
 * something other than who may call.
 */
export function shopperCredentials(claims: DevTokenClaims = { userId: 1, admin: true }): grpc.ChannelCredentials {
  const token = devToken(claims);
  const perCall = grpc.credentials.createFromMetadataGenerator((_params, done) => {
    token.then(
      (t) => done(null, bearer(t)),
      (err: Error) => done(err),
    );
  });
  return grpc.credentials.combineChannelCredentials(clientCredentials({ caFile: path.join(certsDir(), 'ca.crt') }), perCall);
}
