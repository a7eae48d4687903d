// The status errors of authentication and authorization (docs/api.md, "Security").
import * as grpc from '@grpc/grpc-js';
import { statusError, type StatusError } from '../grpc/statusError';

export type TokenFailure = 'TOKEN_MISSING' | 'TOKEN_INVALID' | 'TOKEN_EXPIRED';

const messages: Record<TokenFailure, string> = {
  TOKEN_MISSING: 'a bearer token is required (authorization: Bearer <token>)',
  TOKEN_INVALID: 'the bearer token is not valid',
  TOKEN_EXPIRED: 'the bearer token has expired',
};

export function unauthenticated(reason: TokenFailure): StatusError {
  return statusError(grpc.status.UNAUTHENTICATED, messages[reason], [
    { kind: 'ErrorInfo', value: { reason, domain: 'auth', metadata: {} } },
  ]);
}

export function callerNotAllowed(caller: string, method: string): StatusError {
  return statusError(grpc.status.PERMISSION_DENIED, `${caller} may not call ${method}`, [
    { kind: 'ErrorInfo', value: { reason: 'CALLER_NOT_ALLOWED', domain: 'auth', metadata: { caller, method } } },
  ]);
}

export function userMismatch(): StatusError {
  return statusError(grpc.status.PERMISSION_DENIED, 'the token does not speak for this user_id', [
    { kind: 'ErrorInfo', value: { reason: 'USER_MISMATCH', domain: 'auth', metadata: {} } },
  ]);
}
