// Who is calling: set by the server's authentication interceptor, read by handlers, logs and metrics.
import type * as grpc from '@grpc/grpc-js';

export interface Principal {
  /** For logs, spans and the `caller` metric label: a client certificate's CN, or `shopper` / `admin` for tokens. */
  caller: string;
  /** The user a shopper token speaks for (its `sub`); absent for service identities. */
  userId?: number;
  /** A token whose scope holds `admin` acts for any user. */
  admin: boolean;
}

export const anonymous: Principal = { caller: 'anonymous', admin: false };

// Keyed by the request's metadata object: grpc-js hands the same object from the interceptors to the
// handler, and nothing a client sends can put an entry here.
const principals = new WeakMap<grpc.Metadata, Principal>();

export function attachPrincipal(metadata: grpc.Metadata, principal: Principal): void {
  principals.set(metadata, principal);
}

/** What a handler needs of its call to know who is calling. */
export interface AuthenticatedCall {
  metadata: grpc.Metadata;
}

export function principalOf(call: AuthenticatedCall): Principal {
  return principals.get(call.metadata) ?? anonymous;
}
