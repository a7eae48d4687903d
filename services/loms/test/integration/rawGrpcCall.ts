// A unary gRPC call over plain HTTP/2, so that a test sees the header block that carries the status as it
// crossed the wire, and its size as HTTP/2 (and gRPC C-core's grpc.max_metadata_size) counts it.
import fs from 'node:fs';
import http2 from 'node:http2';
import path from 'node:path';
import { certsDir, type ServiceIdentity } from '@shop/devstack';

export interface RawGrpcAnswer {
  grpcStatus: number;
  /** The header block that held grpc-status: the trailers, or the headers of a trailers-only answer. */
  statusBlock: http2.IncomingHttpHeaders;
  /** RFC 9113 §6.5.2: the uncompressed size of that block, name + value + 32 octets per field. */
  statusBlockOctets: number;
}

export function headerListOctets(headers: http2.IncomingHttpHeaders): number {
  let octets = 0;
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value ?? '']) octets += Buffer.byteLength(name) + Buffer.byteLength(String(v)) + 32;
  }
  return octets;
}

export function rawGrpcCall(
  port: number,
  method: string,
  request: Uint8Array,
  identity: ServiceIdentity = 'admin',
): Promise<RawGrpcAnswer> {
  const dir = certsDir();
  const session = http2.connect(`https://localhost:${port}`, {
    ca: fs.readFileSync(path.join(dir, 'ca.crt')),
    cert: fs.readFileSync(path.join(dir, 'clients', `${identity}.crt`)),
    key: fs.readFileSync(path.join(dir, 'clients', `${identity}.key`)),
  });
  return new Promise<RawGrpcAnswer>((resolve, reject) => {
    session.on('error', reject);
    const stream = session.request({ ':method': 'POST', ':path': method, 'content-type': 'application/grpc', te: 'trailers' });
    const settle = (block: http2.IncomingHttpHeaders) => {
      const status = block['grpc-status'];
      if (status === undefined) return;
      resolve({ grpcStatus: Number(status), statusBlock: block, statusBlockOctets: headerListOctets(block) });
    };
    stream.on('response', settle);
    stream.on('trailers', settle);
    stream.on('error', reject);
    stream.on('close', () => reject(new Error(`stream closed without grpc-status (RST code ${stream.rstCode})`)));
    stream.resume();
    const frame = Buffer.alloc(5 + request.length);
    frame.writeUInt32BE(request.length, 1);
    Buffer.from(request).copy(frame, 5);
    stream.end(frame);
  }).finally(() => session.close());
}
