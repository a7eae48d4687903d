// Service identities over mutual TLS: the verified client certificate's CN, checked against a table.
import type * as grpc from '@grpc/grpc-js';
import type { Authenticate } from './authInterceptor';
import { callerNotAllowed } from './authErrors';

/** Identity (certificate CN) → methods it may call: `package.Service/Method`, or `package.Service/*`. */
export type CallerPermissions = Readonly<Record<string, readonly string[]>>;

export function callerPermissions(table: CallerPermissions): Authenticate {
  const allowed = new Map(Object.entries(table).map(([identity, methods]) => [identity, new Set(methods)]));
  return (method, call) => {
    const caller = peerCommonName(call);
    const methods = caller === undefined ? undefined : allowed.get(caller);
    const service = method.slice(0, method.indexOf('/'));
    if (caller === undefined || !methods || !(methods.has(method) || methods.has(`${service}/*`)))
      throw callerNotAllowed(caller ?? 'anonymous', method);
    return { caller, admin: false };
  };
}

/** The CN of the certificate the TLS handshake verified; undefined without one (or with several CNs). */
export function peerCommonName(call: Pick<grpc.ServerInterceptingCallInterface, 'getAuthContext'>): string | undefined {
  const cn: unknown = call.getAuthContext().sslPeerCertificate?.subject?.CN;
  return typeof cn === 'string' && cn !== '' ? cn : undefined;
}
