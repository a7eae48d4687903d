// The one place a server decides who is calling: a grpc-js server interceptor that authenticates every
// call of the server's own services before its request is read, and refuses it with a status otherwise.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../logger';
import { isStatusError, statusError, type StatusError } from '../grpc/statusError';
import { peerCommonName } from './callerPermissions';
import { anonymous, attachPrincipal, type Principal } from './principal';

/** Who the caller of `method` (`package.Service/Method`) is; throws a StatusError to refuse the call. */
export type Authenticate = (
  method: string,
  call: grpc.ServerInterceptingCallInterface,
  metadata: grpc.Metadata,
) => Principal | Promise<Principal>;

/** A refused call: its method, code, the caller's certificate CN (or `anonymous`) and how long it took. */
export type OnRefused = (method: string, code: grpc.status, caller: string, seconds: number) => void;

const openServices = ['grpc.health.v1.Health/', 'grpc.reflection.v1.ServerReflection/', 'grpc.reflection.v1alpha.ServerReflection/'];

/** Health and reflection answer anyone the transport let in. */
export const isOpenMethod = (method: string): boolean => openServices.some((prefix) => method.startsWith(prefix));

/** For the local stand-in of the external ProductService, which checks its own access token. */
export const anyCaller: Authenticate = () => anonymous;

export function authInterceptor(authenticate: Authenticate, onRefused: OnRefused, logger: Logger): grpc.ServerInterceptor {
  return (methodDescriptor, call) => {
    const method = methodDescriptor.path.slice(1);
    if (isOpenMethod(method)) return new grpc.ServerInterceptingCall(call);
    const started = process.hrtime.bigint();
    const refuse = (err: unknown) => {
      const status = asStatus(err, method, logger);
      onRefused(method, status.code, peerCommonName(call) ?? 'anonymous', Number(process.hrtime.bigint() - started) / 1e9);
      call.sendStatus({ code: status.code, details: status.details, metadata: status.metadata });
    };
    return new grpc.ServerInterceptingCall(call, {
      start(next) {
        next({
          onReceiveMetadata(metadata, pass) {
            const accept = (principal: Principal) => {
              attachPrincipal(metadata, principal);
              pass(metadata);
            };
            try {
              const principal = authenticate(method, call, metadata);
              if (principal instanceof Promise) principal.then(accept, refuse);
              else accept(principal);
            } catch (err) {
              refuse(err);
            }
          },
        });
      },
    });
  };
}

function asStatus(err: unknown, method: string, logger: Logger): StatusError {
  if (isStatusError(err)) return err;
  logger.error({ err, method }, 'authentication failed unexpectedly');
  return statusError(grpc.status.INTERNAL, 'internal error while authenticating');
}
