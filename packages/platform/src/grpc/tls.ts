// TLS credentials for our gRPC servers and for clients that trust our CA.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export function serverCredentials(tls: { certFile: string; keyFile: string; plaintext: boolean }): grpc.ServerCredentials {
  if (tls.plaintext) return grpc.ServerCredentials.createInsecure();
  return grpc.ServerCredentials.createSsl(null, [
    { cert_chain: readOrExplain(tls.certFile, 'TLS_CERT_FILE'), private_key: readOrExplain(tls.keyFile, 'TLS_KEY_FILE') },
  ]);
}

export function clientCredentials(tls: { caFile: string; plaintext: boolean }): grpc.ChannelCredentials {
  if (tls.plaintext) return grpc.credentials.createInsecure();
  return grpc.credentials.createSsl(readOrExplain(tls.caFile, 'the CA file setting'));
}

function readOrExplain(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${file} (${setting}): ${(err as Error).message}; run \`make certs\``);
  }
}
