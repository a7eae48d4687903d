// A connection's client certificate, read once. grpc-js reads it for every call (getAuthContext), and Node
// builds it anew each time, hashing the certificate three times over: that was 13% of LOMS' CPU at 16 calls
// in flight. The certificate of a connection cannot change once renegotiation is off, so the first read turns
// it off and is kept for the connection's life.
import tls from 'node:tls';

const read = new WeakMap<tls.TLSSocket, tls.PeerCertificate>();
let installed = false;

export function readPeerCertificatesOncePerConnection(): void {
  if (installed) return;
  installed = true;
  const getPeerCertificate = tls.TLSSocket.prototype.getPeerCertificate;
  function once(this: tls.TLSSocket, detailed?: boolean): tls.PeerCertificate {
    if (detailed) return getPeerCertificate.call(this, detailed);
    const known = read.get(this);
    if (known) return known;
    const certificate = getPeerCertificate.call(this, false);
    if (certificate.raw && this.disableRenegotiation) {
      this.disableRenegotiation();
      read.set(this, certificate);
    }
    return certificate;
  }
  tls.TLSSocket.prototype.getPeerCertificate = once as typeof getPeerCertificate;
}
