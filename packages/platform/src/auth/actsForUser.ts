// The last check of a shopper's call, after input bounds: the request's user must be the token's.
import { principalOf, type AuthenticatedCall } from './principal';
import { userMismatch } from './authErrors';

export function assertActsForUser(call: AuthenticatedCall, userId: number): void {
  const principal = principalOf(call);
  if (principal.admin || principal.userId === userId) return;
  throw userMismatch();
}
