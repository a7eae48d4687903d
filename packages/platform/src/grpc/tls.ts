// TLS credentials for our gRPC servers (optionally demanding a client certificate) and for clients that trust our CA.
import fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';

export interface ServerTls {
  certFile: string;
  keyFile: string;
  /** When set, every connection must present a client certificate signed by this CA (mutual TLS). */
  clientCaFile?: string;
}

export function serverCredentials(tls: ServerTls): grpc.ServerCredentials {
  const keyPair = { cert_chain: readOrExplain(tls.certFile, 'TLS_CERT_FILE'), private_key: readOrExplain(tls.keyFile, 'TLS_KEY_FILE') };
  if (tls.clientCaFile === undefined) return grpc.ServerCredentials.createSsl(null, [keyPair]);
  return grpc.ServerCredentials.createSsl(readOrExplain(tls.clientCaFile, 'TLS_CLIENT_CA_FILE'), [keyPair], true);
}

export interface ClientTls {
  caFile: string;
  /** A client certificate and key, for servers that demand mutual TLS. */
  certFile?: string;
  keyFile?: string;
}

export function clientCredentials(tls: ClientTls): grpc.ChannelCredentials {
  const ca = readOrExplain(tls.caFile, 'the CA file setting');
  if (tls.certFile === undefined || tls.keyFile === undefined) return grpc.credentials.createSsl(ca);
  return grpc.credentials.createSsl(
    ca,
    readOrExplain(tls.keyFile, 'the client key setting'),
    readOrExplain(tls.certFile, 'the client certificate setting'),
  );
}

function readOrExplain(file: string, setting: string): Buffer {
  try {
    return fs.readFileSync(file);
  } catch (err) {
    throw new Error(`cannot read ${file} (${setting}): ${(err as Error).message}; run \`make certs\``);
  }
}
