import fs from 'node:fs';
import tls from 'node:tls';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '@shop/devstack';
import { readPeerCertificatesOncePerConnection } from './peerCertificateCache';

const certs = path.join(repoRoot(), 'certs');
const read = (f: string) => fs.readFileSync(path.join(certs, f));
let server: tls.Server;
const accepted: tls.TLSSocket[] = [];

beforeAll(async () => {
  readPeerCertificatesOncePerConnection();
  server = tls.createServer(
    {
      cert: read('server.crt'),
      key: read('server.key'),
      ca: read('ca.crt'),
      requestCert: true,
      rejectUnauthorized: true,
      maxVersion: 'TLSv1.2',
    },
    (socket) => {
      accepted.push(socket);
      socket.on('data', () => undefined);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
});
afterAll(async () => {
  for (const socket of accepted) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

function connect(identity: string): Promise<tls.TLSSocket> {
  const { port } = server.address() as { port: number };
  return new Promise((resolve, reject) => {
    const socket = tls.connect(
      {
        port,
        host: '127.0.0.1',
        servername: 'localhost',
        ca: read('ca.crt'),
        cert: read(`clients/${identity}.crt`),
        key: read(`clients/${identity}.key`),
        maxVersion: 'TLSv1.2',
      },
      () => resolve(socket),
    );
    socket.on('error', reject);
  });
}

describe('peer certificates, read once per connection', () => {
  it('gives each connection its own client certificate, built once, and refuses renegotiation after the first read', async () => {
    const [checkout, admin] = [await connect('checkout'), await connect('admin')];
    await new Promise((resolve) => setTimeout(resolve, 50));
    const [first, second] = accepted;
    const cert = first?.getPeerCertificate();
    expect(cert?.subject.CN).toBe('checkout');
    expect(first?.getPeerCertificate()).toBe(cert);
    expect(second?.getPeerCertificate().subject.CN).toBe('admin');
    // The detailed form is not kept: it is read as asked.
    expect(first?.getPeerCertificate(true)).not.toBe(cert);

    // A client asking to renegotiate (TLS 1.2) is refused, so the kept certificate stays the connection's.
    const refused = new Promise<Error>((resolve) => first?.once('error', resolve));
    checkout.on('error', () => undefined);
    checkout.renegotiate({ rejectUnauthorized: true }, () => undefined);
    expect((await refused).message).toMatch(/renegotiation/i);
    checkout.destroy();
    admin.destroy();
  });
});
